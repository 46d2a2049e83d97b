import { renderVariant, type RenderedSocialVariant } from '../../../../shared/channels/variants.ts';
import { measure } from '../../../../shared/channels/limits.ts';
import { imagesOf, socialImageDescription } from '../../../../shared/content/images.ts';
import { ChannelError, type ChannelAdapter, type PublishContext, type RenderSource } from '../adapter.ts';
import { withXApi, X_SECRETS } from './x-client.ts';
import { classifyXError } from './x-errors.ts';
import { uploadImage, type XImage } from './x-media.ts';
import { XSettings } from './x-settings.ts';
import { CreatedTweet, ThreadProgress, UsersMe, xPostUrl } from './x-schemas.ts';

/**
 * The X channel: posts the update's X variant (one post, or the numbered
 * thread the officer chose) with up to four of its images and their alt
 * text, through X's v2 API with OAuth 1.0a user context.
 */

export const X_KIND = 'social.x';
export const X_MAX_IMAGES = 4;
export const X_ALT_TEXT_LIMIT = 1000;
/** X's size limit for a photo (GIFs may be larger, but a body image is a photo here). */
export const X_IMAGE_BYTES = 5 * 1024 * 1024;

/** Exactly what the X preview shows: the variant's posts. */
function renderX(source: RenderSource): RenderedSocialVariant {
  const variant = renderVariant(
    'x',
    { title: source.title, summary: source.summary, body: source.body },
    source.variants,
    // The published website article, once its delivery is out: X posts link to it, as the preview shows.
    { organisationName: '', ...(source.websiteUrl === undefined ? {} : { websiteUrl: source.websiteUrl }) },
  );
  // renderVariant('x') always answers with a social variant; this narrows the union for TypeScript.
  if (variant.kind === 'website' || variant.kind === 'email') throw new Error('renderVariant returned a non-social');
  return variant;
}

/** The posts to send, refused before anything leaves when X would refuse them. */
function postsToSend(source: RenderSource): string[] {
  const variant = renderX(source);
  if (variant.problem) throw ChannelError.rejected(variant.problem, 'variants.x.text');
  if (variant.posts.length === 0) throw ChannelError.rejected('There is no text to post to X.', 'variants.x.text');
  for (const post of variant.posts) {
    const measured = measure('x', post);
    if (!measured.ok) throw ChannelError.rejected(measured.message ?? 'An X post is too long.', 'variants.x.text');
  }
  return variant.posts;
}

/** The first four images of the body with their bytes, checked against X's limits before sending. */
async function imagesToSend(ctx: PublishContext<XSettings>): Promise<XImage[]> {
  const seen = new Set<string>();
  const chosen = imagesOf(ctx.source.body).filter((image) => !seen.has(image.mediaId) && seen.add(image.mediaId));
  const images: XImage[] = [];
  for (const image of chosen.slice(0, X_MAX_IMAGES)) {
    if (image.alt.length > X_ALT_TEXT_LIMIT) {
      throw ChannelError.rejected(
        `The alt text of ${image.where} is ${image.alt.length} characters; X allows ${X_ALT_TEXT_LIMIT}. Shorten it.`,
        'body',
      );
    }
    const media = await ctx.media(image.mediaId);
    if (!media) {
      throw ChannelError.rejected(
        `${image.where} is no longer in Town Crier (it may come from another database). Replace it and publish again.`,
        'body',
      );
    }
    if (media.bytes.length > X_IMAGE_BYTES) {
      throw ChannelError.rejected(
        `${image.where} is larger than X's 5 MB limit for images. Use a smaller image.`,
        'body',
      );
    }
    // The caption goes with the alt text where it fits: a post shows no caption under its images.
    images.push({ bytes: media.bytes, type: media.type, alt: socialImageDescription(image, X_ALT_TEXT_LIMIT) });
  }
  if (chosen.length > X_MAX_IMAGES) {
    ctx.logger.info('X takes four images per post; the rest stay on the website', { images: chosen.length });
  }
  return images;
}

/**
 * A failure after some posts of a thread went out. With progress recorded
 * the next attempt resumes after them, so the failure keeps its class.
 * Without it (no store behind the call) a repeat would post them again, so
 * it stops for a person and says what went out.
 */
function partialThreadFailure(error: ChannelError, posted: readonly string[], total: number, resumable: boolean) {
  if (posted.length === 0) return error;
  const what = `X posted ${posted.length} of the ${total} posts of this thread (it starts at ${xPostUrl(posted[0] ?? '')}), then: ${error.message}`;
  if (resumable) {
    const next = ' Sending again continues with the next post.';
    return new ChannelError({ ...error.failure, message: `${what}${next}` }, { cause: error });
  }
  if (error.failure.kind === 'unknown_outcome') {
    return ChannelError.unknownOutcome(`${what} Check the thread on X before doing anything else.`, { cause: error });
  }
  return ChannelError.rejected(
    `${what} Sending it again would repeat the posts that went out: post the rest as replies on X by hand.`,
    undefined,
    { cause: error },
  );
}

/** The posts of this version already out, from an earlier attempt of the same delivery. */
async function postedBefore(ctx: PublishContext<XSettings>): Promise<string[]> {
  let recorded: unknown;
  try {
    recorded = await ctx.progress?.get();
  } catch (error) {
    throw ChannelError.retryable('Could not read what earlier attempts posted to X; nothing was sent.', undefined, {
      cause: error,
    });
  }
  const stored = ThreadProgress.safeParse(recorded);
  return stored.success && stored.data.contentHash === ctx.source.contentHash ? [...stored.data.posted] : [];
}

/**
 * Records the posts out so far the moment X confirms one. False when there is
 * nowhere to record it or the write failed: then a later failure must not be
 * resumed automatically.
 */
async function recordPosted(ctx: PublishContext<XSettings>, posted: readonly string[]): Promise<boolean> {
  if (!ctx.progress) return false;
  try {
    await ctx.progress.set({ contentHash: ctx.source.contentHash, posted: [...posted] } satisfies ThreadProgress);
    return true;
  } catch (error) {
    ctx.logger.warn('Could not record which X posts went out', { deliveryId: ctx.delivery.id, error });
    return false;
  }
}

/**
 * The X adapter. Not idempotent: X has no idempotency key, so a send whose
 * outcome is unknown becomes `unconfirmed` for a person rather than risking
 * a second post.
 */
export function createXAdapter(): ChannelAdapter<XSettings> {
  return {
    kind: X_KIND,
    displayName: 'X',
    settingsSchema: XSettings,
    secrets: X_SECRETS,
    limits: { contentKind: 'x' },
    // X lets one user create 100 posts per 15 minutes (POST /2/tweets); one at a time keeps threads in order.
    sendLimits: { concurrency: 1, burst: 10, perSecond: 100 / 900 },
    idempotent: false,

    render(source) {
      const variant = renderX(source);
      return { title: source.title, text: variant.posts.join('\n\n'), html: '' };
    },

    async test(ctx) {
      try {
        const me = await withXApi(ctx, (api) => api.get('users/me', UsersMe));
        return { ok: true, account: `@${me.data.username}` };
      } catch (error) {
        return { ok: false, message: classifyXError(error, ctx.now().getTime()).message };
      }
    },

    async publish(_post, ctx) {
      const posts = postsToSend(ctx.source);
      const posted = await postedBefore(ctx);
      const images = posted.length === 0 ? await imagesToSend(ctx) : [];
      let resumable = ctx.progress !== undefined;
      await withXApi(ctx, async (api) => {
        const mediaIds: string[] = [];
        for (const image of images) mediaIds.push(await uploadImage(api, image));
        for (let index = posted.length; index < posts.length; index++) {
          const previous = posted.at(-1);
          const body = {
            text: posts[index],
            ...(index === 0 && mediaIds.length > 0 ? { media: { media_ids: mediaIds } } : {}),
            ...(previous ? { reply: { in_reply_to_tweet_id: previous } } : {}),
          };
          try {
            const created = await api.post('tweets', body, CreatedTweet);
            posted.push(created.data.id);
          } catch (error) {
            throw partialThreadFailure(classifyXError(error, ctx.now().getTime()), posted, posts.length, resumable);
          }
          if (!(await recordPosted(ctx, posted))) resumable = false;
        }
      });
      const first = posted[0] ?? null;
      ctx.logger.info('Posted an update to X', { posts: posted.length, images: images.length });
      return { externalId: first, externalUrl: first === null ? null : xPostUrl(first) };
    },
  };
}
