import type { mediaMethods } from '../../../shared/contracts/media.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { MediaService } from './media-service.ts';

export function createMediaHandlers(media: MediaService): HandlersFor<keyof typeof mediaMethods> {
  return {
    'media.add': (input) => media.add(input),
    'media.get': ({ id }) => media.get(id),
  };
}
