import type { DeliveryProgress } from '../channels/adapter.ts';
import type { SqlExecutor } from '../store/sql.ts';

/**
 * A delivery's progress notes (`deliveries.progress`, JSON), for channels
 * whose one send is several requests. Written without the lease check on
 * purpose: what already went out stays true even if this worker lost the
 * delivery meanwhile, and the next attempt must know it.
 */
export function deliveryProgress(db: SqlExecutor, deliveryId: string): DeliveryProgress {
  return {
    async get() {
      const row = await db.one('SELECT progress FROM deliveries WHERE id = $1', [deliveryId]);
      const value: unknown = row?.progress ?? null;
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    },
    async set(value) {
      await db.run('UPDATE deliveries SET progress = $1 WHERE id = $2', [JSON.stringify(value), deliveryId]);
    },
  };
}
