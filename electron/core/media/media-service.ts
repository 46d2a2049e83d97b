import { createHash } from 'node:crypto';
import type { ParsedInput } from '../../../shared/contract.ts';
import type { MediaData, MediaInfo } from '../../../shared/contracts/media.ts';
import { imageTooLargeMessage, notAnImageMessage, sniffImage } from '../../../shared/media/image-type.ts';
import { CoreError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb } from '../store/sql.ts';
import { createMediaRepository } from './media-repository.ts';

/**
 * Images for update bodies, stored content-addressed (id = sha256 of the
 * bytes) in the database. The type is read from the bytes; the name and the
 * declared type are never trusted.
 */
export function createMediaService(deps: { db: SqlDb; logger: Logger; now: () => Date }) {
  const repo = createMediaRepository(deps.db);
  return {
    async add(input: ParsedInput<'media.add'>): Promise<MediaInfo> {
      const bytes = Buffer.from(input.dataBase64, 'base64');
      const tooLarge = imageTooLargeMessage(bytes.length);
      if (tooLarge) throw new CoreError('too_large', tooLarge, { field: 'dataBase64' });
      if (bytes.length === 0) throw new CoreError('invalid_input', 'The file is empty.', { field: 'dataBase64' });
      const sniffed = sniffImage(bytes);
      if (!sniffed) throw new CoreError('invalid_input', notAnImageMessage(input.name), { field: 'dataBase64' });
      if (input.type && input.type !== sniffed.type) {
        deps.logger.info('An image was declared as another type; stored as what its bytes are', {
          declared: input.type.slice(0, 100),
          actual: sniffed.type,
        });
      }
      const id = createHash('sha256').update(bytes).digest('hex');
      await repo.insert({ id, type: sniffed.type, bytes }, deps.now().toISOString());
      return { id, type: sniffed.type, bytes: bytes.length, ...dimensions(sniffed) };
    },

    async get(id: string): Promise<MediaData> {
      const media = await repo.get(id);
      if (!media)
        throw new CoreError('not_found', 'That image is not in Town Crier (it may be from another database).');
      return { id: media.id, type: media.type, dataBase64: Buffer.from(media.bytes).toString('base64') };
    },
  };
}

function dimensions(s: { width?: number; height?: number }): { width?: number; height?: number } {
  return s.width !== undefined && s.height !== undefined ? { width: s.width, height: s.height } : {};
}

export type MediaService = ReturnType<typeof createMediaService>;
