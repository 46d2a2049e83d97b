import { imagesOf, socialImageDescription } from '../../../../shared/content/images.ts';
import type { ImageType } from '../../../../shared/media/image-type.ts';
import { ChannelError, type PublishContext } from '../adapter.ts';
import { callMastodon, MediaAttachment, readAnswer } from './client.ts';
import { MASTODON } from './errors.ts';
import type { MastodonSettings } from './settings.ts';

/**
 * Images for the first post of a Mastodon delivery: the body's images in
 * reading order (up to the instance's attachment limit, 4 by default), each
 * uploaded with its alt text as the description, and waited for until
 * Mastodon has processed it (an unprocessed attachment is refused).
 */

export const DEFAULT_DESCRIPTION_LIMIT = 1500;
export const DEFAULT_MAX_MEDIA = 4;
/** Waits between checks of an image being processed; the total is bounded (about 20 seconds). */
const PROCESSING_WAITS_MS = [50, 100, 200, 400, 800, 1000, 1500, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000];

const EXTENSIONS: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

export type ImageToPost = { where: string; mediaId: string; alt: string };

/**
 * The images that go with the first post, refusing before anything is sent
 * when an alt text is missing or longer than the instance allows.
 */
export function imagesToPost(
  ctx: PublishContext<MastodonSettings>,
  limits: { maxMedia: number; descriptionLimit: number },
): ImageToPost[] {
  const seen = new Set<string>();
  const images = imagesOf(ctx.source.body).filter((image) => {
    if (seen.has(image.mediaId)) return false;
    seen.add(image.mediaId);
    return true;
  });
  const chosen = images.slice(0, limits.maxMedia);
  for (const image of chosen) {
    const length = [...image.alt].length;
    if (length === 0) {
      throw ChannelError.rejected(`The ${image.where} has no alt text. Add a description and publish again.`, 'body');
    }
    if (length > limits.descriptionLimit) {
      throw ChannelError.rejected(
        `The alt text of ${image.where} is ${length} characters; ${MASTODON} allows ${limits.descriptionLimit}. Shorten it.`,
        'body',
      );
    }
  }
  // The caption goes with the alt text where it fits: a post shows no caption under its images.
  return chosen.map((image) => ({ ...image, alt: socialImageDescription(image, limits.descriptionLimit) }));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** Uploads one image with its description and returns its attachment id once Mastodon has processed it. */
async function uploadOne(ctx: PublishContext<MastodonSettings>, image: ImageToPost): Promise<string> {
  const media = await ctx.media(image.mediaId);
  if (!media) {
    throw ChannelError.rejected(
      `The ${image.where} is no longer in Town Crier (it may come from another database). Replace it and publish again.`,
      'body',
    );
  }
  const form = new FormData();
  form.append('file', new Blob([media.bytes.slice()], { type: media.type }), `${media.id}.${EXTENSIONS[media.type]}`);
  form.append('description', image.alt);
  const response = await callMastodon(ctx, { method: 'POST', path: '/api/v2/media', form, creates: false });
  const attachment = await readAnswer(response, MediaAttachment, false);
  // 200: processed already. 202: processing; GET /api/v1/media/:id answers 206 until it is done.
  if (response.status !== 202) return attachment.id;
  for (const wait of PROCESSING_WAITS_MS) {
    await pause(wait, ctx.signal);
    const check = await callMastodon(ctx, {
      method: 'GET',
      path: `/api/v1/media/${encodeURIComponent(attachment.id)}`,
      creates: false,
    });
    await check.body?.cancel();
    if (check.status === 200) return attachment.id;
  }
  throw ChannelError.retryable(`${MASTODON} is still processing ${image.where}. Town Crier will try again.`);
}

/** Uploads the first post's images in order; the attachment ids are what the status names. */
export async function uploadImages(ctx: PublishContext<MastodonSettings>, images: ImageToPost[]): Promise<string[]> {
  const ids: string[] = [];
  for (const image of images) ids.push(await uploadOne(ctx, image));
  return ids;
}
