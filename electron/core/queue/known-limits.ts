import { strictestLimits, type MeasureOptions } from '../../../shared/channels/limits.ts';
import type { SqlExecutor } from '../store/sql.ts';
import { KnownLimitsRow } from './queue-rows.ts';

/**
 * The strictest limits any connected channel told us of (its last "Test
 * connection"), for the checks that run before the targets are chosen:
 * `updates.check` and submitting for approval. Publishing checks against the
 * chosen targets' own limits instead.
 */
export async function strictestKnownLimits(db: SqlExecutor): Promise<MeasureOptions> {
  const rows = await db.all(
    'SELECT known_limits_json FROM channel_targets WHERE disconnected_at IS NULL AND known_limits_json IS NOT NULL',
  );
  return strictestLimits(rows.map((row) => KnownLimitsRow.parse(row).known_limits_json ?? {}));
}
