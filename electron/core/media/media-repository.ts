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

/** The `media` table: image bytes kept in the database, so every desktop on a team database sees them. */
export function createMediaRepository(db: SqlExecutor) {
  return {
    /** Stores the bytes under their id; adding the same bytes again changes nothing. Returns whether a row was written. */
    async insert(media: StoredMedia, createdAt: string): Promise<boolean> {
      const { changes } = await db.run(
        'INSERT INTO media (id, type, bytes, size, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
        [media.id, media.type, media.bytes, media.bytes.length, createdAt],
      );
      return changes === 1;
    },

    async get(id: string): Promise<StoredMedia | undefined> {
      const row = await db.one('SELECT id, type, bytes FROM media WHERE id = $1', [id]);
      return row ? MediaRow.parse(row) : undefined;
    },
  };
}
