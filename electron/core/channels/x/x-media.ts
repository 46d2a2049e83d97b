import type { ImageType } from '../../../../shared/media/image-type.ts';
import { ChannelError } from '../adapter.ts';
import type { XApi } from './x-client.ts';
import { MediaAppended, MediaFinalized, MediaInitialized, MediaMetadata } from './x-schemas.ts';

/** One image to attach to the first post of an update. */
export type XImage = { bytes: Uint8Array; type: ImageType; alt: string };

const CHUNK_BYTES = 1024 * 1024;

/**
 * Uploads one image through X's v2 chunked upload (initialize, append,
 * finalize: the calls twitter-api-v2's own `uploadMedia` makes) as a photo
 * (`tweet_image`, which X does not process further), then sets its
 * alt text through the media metadata endpoint. Returns the media id.
 */
export async function uploadImage(api: XApi, image: XImage): Promise<string> {
  const init = await api.post(
    'media/upload/initialize',
    { media_type: image.type, total_bytes: image.bytes.length, media_category: 'tweet_image' },
    MediaInitialized,
  );
  const id = init.data.id;
  for (let start = 0, index = 0; start < image.bytes.length; start += CHUNK_BYTES, index++) {
    const media = Buffer.from(image.bytes.subarray(start, start + CHUNK_BYTES));
    await api.post(`media/upload/${id}/append`, { segment_index: index, media }, MediaAppended, true);
  }
  const finalized = await api.post(`media/upload/${id}/finalize`, {}, MediaFinalized);
  const state = finalized.data.processing_info?.state;
  if (state !== undefined && state !== 'succeeded') {
    throw ChannelError.rejected(`X could not process an image (its state was "${state}"). Try another image.`, 'body');
  }
  if (image.alt.trim()) {
    await api.post('media/metadata', { id, metadata: { alt_text: { text: image.alt } } }, MediaMetadata);
  }
  return id;
}
