import { imagesOf, type BodyImage } from '../../../../shared/content/images.ts';
import type { ImageType } from '../../../../shared/media/image-type.ts';
import { ChannelError, type PublishContext } from '../adapter.ts';
import { callWordPress, Media, readAnswer } from './client.ts';
import type { openProgress } from './progress.ts';
import type { WordPressSettings } from './settings.ts';

/**
 * The body's images, uploaded to the WordPress media library
 * (`POST /wp/v2/media`) with their alt text before the post is made, so the
 * post's `<img>` tags point at WordPress's own copies. Each upload is
 * recorded in the delivery's progress as soon as it is done: a retried
 * attempt reuses it instead of uploading the image twice.
 */

/** WordPress's own limit on alt text is none; screen readers cope badly past a few hundred characters. */
export const MAX_ALT_LENGTH = 1000;

const EXTENSIONS: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** The body's distinct images in reading order, refusing before anything is sent when an alt text is missing. */
export function imagesToUpload(ctx: PublishContext<WordPressSettings>): BodyImage[] {
  const seen = new Set<string>();
  const images = imagesOf(ctx.source.body).filter((image) => {
    if (seen.has(image.mediaId)) return false;
    seen.add(image.mediaId);
    return true;
  });
  for (const image of images) {
    const length = [...image.alt.trim()].length;
    if (length === 0) {
      throw ChannelError.rejected(`The ${image.where} has no alt text. Add a description and publish again.`, 'body');
    }
    if (length > MAX_ALT_LENGTH) {
      throw ChannelError.rejected(
        `The alt text of ${image.where} is ${length} characters; keep it under ${MAX_ALT_LENGTH}.`,
        'body',
      );
    }
  }
  return images;
}

/** Uploads each image not uploaded by an earlier attempt; returns WordPress's id and address by media id. */
export async function uploadImages(
  ctx: PublishContext<WordPressSettings>,
  images: readonly BodyImage[],
  progress: Awaited<ReturnType<typeof openProgress>>,
): Promise<Record<string, { id: number; url: string }>> {
  for (const image of images) {
    if (progress.get().media[image.mediaId]) continue;
    const media = await ctx.media(image.mediaId);
    if (!media) {
      throw ChannelError.rejected(
        `The ${image.where} is no longer in Town Crier (it may come from another database). Replace it and publish again.`,
        'body',
      );
    }
    const form = new FormData();
    const name = `${media.id}.${EXTENSIONS[media.type]}`;
    form.append('file', new Blob([media.bytes.slice()], { type: media.type }), name);
    form.append('alt_text', image.alt.trim());
    const response = await callWordPress(ctx, {
      method: 'POST',
      path: '/media',
      form,
      creates: false,
      action: `upload ${image.where}`,
    });
    const uploaded = await readAnswer(response, Media, false);
    await progress.update({
      media: { ...progress.get().media, [image.mediaId]: { id: uploaded.id, url: uploaded.source_url } },
    });
  }
  return progress.get().media;
}
