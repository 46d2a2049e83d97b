import { z } from 'zod';
import { IMAGE_TYPES, type ImageType } from '../../../shared/media/image-type.ts';
import type { SqlExecutor } from '../store/sql.ts';

const MediaRow = z.object({
  id: z.string(),
  type: z.enum(IMAGE_TYPES),
  // node:sqlite gives a Uint8Array for a BLOB; pg gives a Buffer (a Uint8Array too) for bytea.
  bytes: z.instanceof(Uint8Array),
});

export type StoredMedia = { id: string; type: ImageType; bytes: Uint8Array };

/**
 * Marks images as used at `time` (a version that refers to them was saved), inside the saving transaction, so the
 * clean-up of unused images cannot remove one between its check and its delete (see media-cleanup.ts).
 */
export async function markMediaUsed(db: SqlExecutor, ids: readonly string[], time: string): Promise<void> {
  if (ids.length === 0) return;
  const list = ids.map((_, i) => `$${i + 2}`).join(', ');
  await db.run(`UPDATE media SET last_used_at = $1 WHERE id IN (${list})`, [time, ...ids]);
}

/** The `media` table: image bytes kept in the database, so every desktop on a team database sees them. */
export function createMediaRepository(db: SqlExecutor) {
  return {
    /**
     * Stores the bytes under their id. Adding the same bytes again stores nothing new but marks them used now, so
     * the clean-up of unused images leaves alone an image someone has just put in an editor (even unsaved).
     */
    async insert(media: StoredMedia, createdAt: string): Promise<void> {
      await db.run(
        `INSERT INTO media (id, type, bytes, size, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (id) DO UPDATE SET last_used_at = excluded.last_used_at`,
        [media.id, media.type, media.bytes, media.bytes.length, createdAt],
      );
    },

    async get(id: string): Promise<StoredMedia | undefined> {
      const row = await db.one('SELECT id, type, bytes FROM media WHERE id = $1', [id]);
      return row ? MediaRow.parse(row) : undefined;
    },
  };
}
