import { createAuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../logging/logger.ts';
import type { SystemActor } from '../people/actor.ts';
import type { SqlDb, SqlExecutor } from '../store/sql.ts';

/**
 * Removes images nothing uses any more. An image stays while any saved
 * version of any update, or any template, refers to it (history and templates
 * can bring it back), and for a grace period after it was last added or saved
 * in a body, so an image just put into an editor that has not saved yet is
 * never removed. Run by the queue worker (at start, then every hour).
 *
 * Safe against a save running at the same moment: a save marks the images its
 * version uses (`markMediaUsed`) in its own transaction, and the delete here
 * only removes a row still unused since the cut-off. On SQLite transactions
 * run one at a time; on PostgreSQL the delete waits on the save's row lock and
 * then sees the new `last_used_at`, so it skips the image.
 */

/** A day: far longer than any editor goes without autosaving. */
export const MEDIA_GRACE_MS = 24 * 60 * 60 * 1000;
/** Images looked at per run; the next run carries on. */
export const MEDIA_CLEANUP_BATCH = 200;

export const MEDIA_CLEANUP_ACTOR: SystemActor = { kind: 'system', id: null, name: 'Image clean-up' };

export type MediaCleanupDeps = { db: SqlDb; now: () => Date; logger: Logger; graceMs?: number };

export type MediaCleanupResult = { removed: string[]; bytes: number };

/** Where bodies are kept: every saved version (the current one included) and every template. */
const BODY_TABLES = ['update_versions', 'templates'] as const;

async function isReferenced(tx: SqlExecutor, id: string): Promise<boolean> {
  // The id is 64 hex digits (checked by the caller), so it needs no LIKE escaping.
  const pattern = `%"media:${id}"%`;
  const body = tx.engine === 'postgres' ? 'body_json::text' : 'body_json';
  for (const table of BODY_TABLES) {
    if (await tx.one(`SELECT 1 AS used FROM ${table} WHERE ${body} LIKE $1 LIMIT 1`, [pattern])) return true;
  }
  return false;
}

/** One run of the clean-up: removes what is unused and past the grace period, with one audit line if any went. */
export async function removeUnusedMedia(deps: MediaCleanupDeps): Promise<MediaCleanupResult> {
  const time = deps.now();
  const cutoff = new Date(time.getTime() - (deps.graceMs ?? MEDIA_GRACE_MS)).toISOString();
  const audit = createAuditLog({ now: deps.now });
  const result = await deps.db.transaction(async (tx) => {
    const candidates = await tx.all(
      `SELECT id, size FROM media WHERE last_used_at IS NULL OR last_used_at < $1 ORDER BY id LIMIT ${MEDIA_CLEANUP_BATCH}`,
      [cutoff],
    );
    const removed: string[] = [];
    let bytes = 0;
    for (const row of candidates) {
      const id = String(row.id);
      if (!/^[0-9a-f]{64}$/.test(id) || (await isReferenced(tx, id))) continue;
      const { changes } = await tx.run(
        'DELETE FROM media WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)',
        [id, cutoff],
      );
      if (changes === 1) {
        removed.push(id);
        bytes += Number(row.size);
      }
    }
    if (removed.length > 0) {
      await audit.record(tx, MEDIA_CLEANUP_ACTOR, {
        action: 'media.removed',
        subjectType: 'media',
        subjectId: removed.length === 1 ? (removed[0] ?? null) : null,
        details: { count: removed.length, bytes, ids: removed, unusedSince: cutoff },
      });
    }
    return { removed, bytes };
  });
  if (result.removed.length > 0) {
    deps.logger.info('Removed images no version or template uses', {
      count: result.removed.length,
      bytes: result.bytes,
    });
  }
  return result;
}
