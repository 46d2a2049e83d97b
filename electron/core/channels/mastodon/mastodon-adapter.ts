import { renderVariant, type RenderedSocialVariant } from '../../../../shared/channels/variants.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelContext,
  type PublishContext,
  type RenderSource,
} from '../adapter.ts';
import { accountHandle, Account, callMastodon, Instance, readAnswer, Status, type MastodonContext } from './client.ts';
import { MASTODON } from './errors.ts';
import { DEFAULT_DESCRIPTION_LIMIT, DEFAULT_MAX_MEDIA, imagesToPost, uploadImages } from './media.ts';
import { createThreadProgress, type PostedStatus } from './progress.ts';
import { MASTODON_SECRETS, MastodonSettings } from './settings.ts';

/**
 * The Mastodon channel: posts the Mastodon variant (one status, or a reply
 * chain for a numbered thread) with the body's images and their alt texts,
 * in English, publicly. Every status carries an `Idempotency-Key` made from
 * the delivery's own key and the post's place in the thread, so sending the
 * same delivery again within Mastodon's hour returns the statuses already
 * made instead of posting twice.
 */

export const MASTODON_KIND = 'social.mastodon';

type InstanceLimits = { maxCharacters: number; maxMedia: number; descriptionLimit: number };

function renderMastodon(source: RenderSource, mastodonLimit?: number): RenderedSocialVariant {
  const rendered = renderVariant(
    'mastodon',
    { title: source.title, summary: source.summary, body: source.body },
    source.variants,
    {
      organisationName: '',
      ...(source.websiteUrl === undefined ? {} : { websiteUrl: source.websiteUrl }),
      ...(mastodonLimit === undefined ? {} : { mastodonLimit }),
    },
  );
  // renderVariant('mastodon') always answers with a social variant; this narrows the union for TypeScript.
  if (rendered.kind !== 'mastodon') throw new Error('renderVariant returned another channel for mastodon');
  return rendered;
}

/** The Idempotency-Key of post `index` (0-based) of a delivery: the same on every re-send of that delivery. */
export function statusIdempotencyKey(deliveryKey: string, index: number): string {
  return `town-crier:${deliveryKey}:${index + 1}`;
}

/** Adds where a thread had got to, so a person reading a failure knows what is already public. */
function withProgress(error: unknown, posted: readonly PostedStatus[], total: number): unknown {
  if (!(error instanceof ChannelError) || posted.length === 0) return error;
  const first = posted[0];
  const note = ` ${posted.length} of ${total} posts are already on ${MASTODON}${first?.url ? ` (${first.url})` : ''}; sending again continues with post ${posted.length + 1}.`;
  return new ChannelError({ ...error.failure, message: `${error.failure.message}${note}` }, { cause: error });
}

/**
 * The Mastodon adapter. It keeps each target's instance limits in memory for
 * the worker's life (read once from /api/v2/instance), and records the
 * statuses of a thread on the delivery as they go out (progress.ts), so a
 * retry, even by a restarted worker, skips them.
 */
export function createMastodonAdapter(): ChannelAdapter<MastodonSettings> {
  const limitsByTarget = new Map<string, InstanceLimits>();
  const progress = createThreadProgress();

  async function instanceLimits(ctx: MastodonContext, fresh = false): Promise<InstanceLimits> {
    const cacheKey = `${ctx.target.id} ${ctx.settings.instanceUrl}`;
    const cached = limitsByTarget.get(cacheKey);
    if (cached && !fresh) return cached;
    const response = await callMastodon(ctx, { method: 'GET', path: '/api/v2/instance', creates: false });
    const { configuration } = await readAnswer(response, Instance, false);
    const limits = {
      maxCharacters: configuration.statuses.max_characters,
      maxMedia: configuration.statuses.max_media_attachments ?? DEFAULT_MAX_MEDIA,
      descriptionLimit: configuration.media_attachments?.description_limit ?? DEFAULT_DESCRIPTION_LIMIT,
    };
    limitsByTarget.set(cacheKey, limits);
    return limits;
  }

  async function postStatus(
    ctx: PublishContext<MastodonSettings>,
    text: string,
    index: number,
    mediaIds: string[],
    inReplyTo: string | undefined,
  ): Promise<PostedStatus> {
    const response = await callMastodon(ctx, {
      method: 'POST',
      path: '/api/v1/statuses',
      idempotencyKey: statusIdempotencyKey(ctx.delivery.idempotencyKey, index),
      creates: true,
      json: {
        status: text,
        media_ids: mediaIds,
        language: 'en',
        visibility: 'public',
        ...(inReplyTo === undefined ? {} : { in_reply_to_id: inReplyTo }),
      },
    });
    const status = await readAnswer(response, Status, true);
    return { id: status.id, url: status.url ?? status.uri, text };
  }

  async function publishThread(ctx: PublishContext<MastodonSettings>) {
    const limits = await instanceLimits(ctx);
    const variant = renderMastodon(ctx.source, limits.maxCharacters);
    if (variant.problem) {
      const instance = `This ${MASTODON} instance allows ${limits.maxCharacters} characters a post.`;
      throw ChannelError.rejected(`${instance} ${variant.problem} Nothing was posted.`, 'variants.mastodon');
    }
    if (variant.posts.length === 0) throw ChannelError.rejected(`There is nothing to post to ${MASTODON}.`);
    const images = imagesToPost(ctx, limits);
    const posted = await progress.resume(ctx, variant.posts);
    try {
      for (let index = posted.length; index < variant.posts.length; index++) {
        const text = variant.posts[index] ?? '';
        const mediaIds = index === 0 ? await uploadImages(ctx, images) : [];
        posted.push(await postStatus(ctx, text, index, mediaIds, posted[index - 1]?.id));
        await progress.save(ctx, posted);
      }
    } catch (error) {
      throw withProgress(error, posted, variant.posts.length);
    }
    progress.forget(ctx);
    const first = posted[0];
    // The loop posts at least one status (posts is not empty), so `first` is always set here.
    if (!first) throw new Error('No Mastodon status was recorded');
    ctx.logger.info('Posted to Mastodon', { statusId: first.id, posts: posted.length, images: images.length });
    return { externalId: first.id, externalUrl: first.url };
  }

  return {
    kind: MASTODON_KIND,
    displayName: MASTODON,
    settingsSchema: MastodonSettings,
    secrets: MASTODON_SECRETS,
    limits: { contentKind: 'mastodon' },
    // Mastodon allows 300 statuses per account per 3 hours, and 300 API calls per 5 minutes.
    sendLimits: { concurrency: 1, burst: 10, perSecond: 300 / (3 * 60 * 60) },
    // Each status carries an Idempotency-Key derived from the delivery's key: a repeat within the hour returns the original.
    idempotent: true,

    render(source) {
      const variant = renderMastodon(source);
      return { title: source.title, text: variant.posts.join('\n\n'), html: '' };
    },

    async test(ctx: ChannelContext<MastodonSettings>) {
      try {
        const response = await callMastodon(ctx, {
          method: 'GET',
          path: '/api/v1/accounts/verify_credentials',
          creates: false,
        });
        const account = await readAnswer(response, Account, false);
        const handle = accountHandle(account.acct, ctx.settings.instanceUrl);
        // The instance's own limit, so the editor and the pre-send check count against it rather than 500.
        // An instance that will not say keeps the default; the account itself works, so the test still passes.
        const limits = await instanceLimits(ctx, true).catch((error: unknown) => {
          ctx.logger.warn('The Mastodon instance did not give its limits', { error });
          return undefined;
        });
        return limits
          ? { ok: true, account: handle, limits: { mastodonLimit: limits.maxCharacters } }
          : { ok: true, account: handle };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    publish: (_post, ctx) => publishThread(ctx),
  };
}
