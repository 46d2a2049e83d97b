import type { BlobRef } from '@atproto/api';
import { imagesOf, socialImageDescription } from '../../../../shared/content/images.ts';
import { graphemeCount } from '../../../../shared/channels/text.ts';
import { ChannelError, type ChannelMedia, type PublishContext } from '../adapter.ts';
import type { BlueskyClient } from './client.ts';
import { BLUESKY } from './errors.ts';
import type { BlueskySettings } from './settings.ts';

/**
 * Images for the first post of a Bluesky delivery: the body's first four
 * distinct images in reading order, each uploaded as a blob and attached with
 * its alt text. app.bsky.embed.images allows 4 images of at most 1,000,000
 * bytes each; anything over is refused before a single request is made, so
 * the officer gets a clear reason rather than a half-sent thread.
 */

export const BLUESKY_MAX_IMAGES = 4;
/** app.bsky.embed.images#image: `maxSize: 1000000` (bytes, not MiB). */
export const BLUESKY_IMAGE_BYTES = 1_000_000;
/** The Bluesky app's limit on alt text (the lexicon sets none; the app stops at 2,000). */
export const BLUESKY_ALT_TEXT_LIMIT = 2000;

export type BlueskyImage = { where: string; alt: string; media: ChannelMedia };
export type EmbeddedImage = { image: BlobRef; alt: string };

/** Reads and checks the images to attach; throws `rejected` naming the image and the limit it breaks. */
export async function imagesToPost(ctx: PublishContext<BlueskySettings>): Promise<BlueskyImage[]> {
  const seen = new Set<string>();
  const chosen = imagesOf(ctx.source.body).filter((image) => !seen.has(image.mediaId) && seen.add(image.mediaId));
  const images: BlueskyImage[] = [];
  for (const image of chosen.slice(0, BLUESKY_MAX_IMAGES)) {
    const alt = image.alt.trim();
    if (alt === '') {
      throw ChannelError.rejected(`The ${image.where} has no alt text. Add a description and publish again.`, 'body');
    }
    const length = graphemeCount(alt);
    if (length > BLUESKY_ALT_TEXT_LIMIT) {
      throw ChannelError.rejected(
        `The alt text of ${image.where} is ${length} characters; ${BLUESKY} allows ${BLUESKY_ALT_TEXT_LIMIT}. Shorten it.`,
        'body',
      );
    }
    const media = await ctx.media(image.mediaId);
    if (!media) {
      throw ChannelError.rejected(
        `The ${image.where} is no longer in Town Crier (it may come from another database). Replace it and publish again.`,
        'body',
      );
    }
    if (media.bytes.length > BLUESKY_IMAGE_BYTES) {
      throw ChannelError.rejected(
        `The ${image.where} is ${media.bytes.length.toLocaleString('en-GB')} bytes; ${BLUESKY} takes images up to ` +
          `${BLUESKY_IMAGE_BYTES.toLocaleString('en-GB')} bytes (about 976 KB). Use a smaller or more compressed image. Nothing was posted.`,
        'body',
      );
    }
    // The caption goes with the alt text where it fits: a post shows no caption under its images.
    images.push({ where: image.where, alt: socialImageDescription(image, BLUESKY_ALT_TEXT_LIMIT), media });
  }
  if (chosen.length > BLUESKY_MAX_IMAGES) {
    ctx.logger.info('Bluesky takes four images per post; the rest stay on the website', { images: chosen.length });
  }
  return images;
}

/** Uploads the images in order (blobs the post then refers to; unreferenced blobs are dropped by the PDS). */
export async function uploadImages(client: BlueskyClient, images: readonly BlueskyImage[]): Promise<EmbeddedImage[]> {
  const out: EmbeddedImage[] = [];
  for (const image of images) {
    const uploaded = await client.call({ creates: false }, (agent) =>
      agent.com.atproto.repo.uploadBlob(image.media.bytes, { encoding: image.media.type }),
    );
    out.push({ image: uploaded.data.blob, alt: image.alt });
  }
  return out;
}
