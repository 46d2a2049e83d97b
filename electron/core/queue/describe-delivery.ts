import type { SqlExecutor } from '../store/sql.ts';

/** What a system notification about a delivery names: its channel and the title of the version it sent. */
export type DeliveryDescription = { publicationId: string; targetName: string; title: string };

/**
 * Reads the channel name and title for a delivery, for the desktop shell's
 * notifications (which run in the same process as the core, without a
 * session, and only ever show them on this computer). Undefined when the
 * delivery does not exist.
 */
export async function describeDelivery(db: SqlExecutor, deliveryId: string): Promise<DeliveryDescription | undefined> {
  const row = await db.one(
    `SELECT d.publication_id, t.name AS target_name, v.title FROM deliveries d
       JOIN channel_targets t ON t.id = d.target_id
       JOIN publications p ON p.id = d.publication_id
       JOIN update_versions v ON v.update_id = p.update_id AND v.revision = p.update_revision
     WHERE d.id = $1`,
    [deliveryId],
  );
  if (!row) return undefined;
  return { publicationId: String(row.publication_id), targetName: String(row.target_name), title: String(row.title) };
}
