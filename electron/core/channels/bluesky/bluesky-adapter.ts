import { z } from 'zod';
import { measure } from '../../../../shared/channels/limits.ts';
import { graphemeList } from '../../../../shared/channels/text.ts';
import { renderVariant, type RenderedSocialVariant } from '../../../../shared/channels/variants.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type PublishContext,
  type RemoteRef,
  type RemoteState,
  type RenderSource,
} from '../adapter.ts';
import { createSessionCache, withBluesky, type BlueskyClient, type BlueskyContext } from './client.ts';
import { BLUESKY, isRecordNotFound, isServerError } from './errors.ts';
import { imagesToPost, uploadImages, type EmbeddedImage } from './media.ts';
import { postRecordKey } from './record-keys.ts';
import { detectFacets, resolveMentions } from './rich-text.ts';
import { BLUESKY_SECRETS, BlueskySettings } from './settings.ts';

/**
 * The Bluesky channel: posts the Bluesky variant (one post, or the numbered
 * thread the officer chose, as a reply chain) through the account's PDS with
 * @atproto/api, with clickable links and hashtags (rich-text facets), the
 * body's first four images with their alt text, or else a link card for the
 * website article. Every post is written at a record key fixed by the
 * delivery and the post's place, so the adapter is idempotent: a repeat finds
 * the post already there instead of making another.
 */

export const BLUESKY_KIND = 'social.bluesky';
const POST = 'app.bsky.feed.post';
/** The link card's description is a preview, not the article: the app shows about two lines of it. */
const CARD_DESCRIPTION_GRAPHEMES = 300;
/** How far a look-up or a retraction follows a thread (the thread splitter's own maximum). */
const MAX_POSTS = 50;

/** A written post: what a reply refers to (`at://` URI and the record's CID). */
export const PostRef = z.object({ uri: z.string(), cid: z.string() });
export type PostRef = z.infer<typeof PostRef>;

/** What the adapter records on its delivery: the posts of this version's thread that are already out. */
export const BlueskyProgress = z.object({ contentHash: z.string(), posted: z.array(PostRef) });
export type BlueskyProgress = z.infer<typeof BlueskyProgress>;

/** Exactly what the Bluesky preview shows: the variant's posts, linking to the website article once it is known. */
function renderBluesky(source: RenderSource): RenderedSocialVariant {
  const rendered = renderVariant(
    'bluesky',
    { title: source.title, summary: source.summary, body: source.body },
    source.variants,
    { organisationName: '', ...(source.websiteUrl === undefined ? {} : { websiteUrl: source.websiteUrl }) },
  );
  // renderVariant('bluesky') always answers with a social variant; this narrows the union for TypeScript.
  if (rendered.kind !== 'bluesky') throw new Error('renderVariant returned another channel for bluesky');
  return rendered;
}

/** The posts to send, refused before anything leaves when the PDS would refuse them (300 graphemes, 3,000 bytes). */
function postsToSend(source: RenderSource): string[] {
  const variant = renderBluesky(source);
  if (variant.problem) throw ChannelError.rejected(`${variant.problem} Nothing was posted.`, 'variants.bluesky.text');
  if (variant.posts.length === 0) throw ChannelError.rejected(`There is nothing to post to ${BLUESKY}.`);
  for (const post of variant.posts) {
    const measured = measure('bluesky', post);
    if (!measured.ok)
      throw ChannelError.rejected(measured.message ?? 'A Bluesky post is too long.', 'variants.bluesky.text');
  }
  return variant.posts;
}

/** `https://bsky.app/profile/<handle>/post/<rkey>`: where a person sees the post. */
export function blueskyPostUrl(handleOrDid: string, uri: string): string {
  const rkey = uri.split('/').at(-1) ?? '';
  return `https://bsky.app/profile/${handleOrDid}/post/${rkey}`;
}

/** The thread's length as its first post says it ("… 1/3"), or 1 for a single post. */
function threadLength(firstText: unknown): number {
  const match = typeof firstText === 'string' ? / 1\/(\d+)$/.exec(firstText) : null;
  const total = match ? Number(match[1]) : 1;
  return Math.min(Math.max(total, 1), MAX_POSTS);
}

async function postedBefore(ctx: PublishContext<BlueskySettings>): Promise<PostRef[]> {
  let recorded: unknown;
  try {
    recorded = await ctx.progress?.get();
  } catch (error) {
    throw ChannelError.retryable(
      `Could not read what earlier attempts posted to ${BLUESKY}; nothing was sent.`,
      undefined,
      {
        cause: error,
      },
    );
  }
  const stored = BlueskyProgress.safeParse(recorded);
  return stored.success && stored.data.contentHash === ctx.source.contentHash ? [...stored.data.posted] : [];
}

async function recordPosted(ctx: PublishContext<BlueskySettings>, posted: readonly PostRef[]): Promise<void> {
  try {
    await ctx.progress?.set({ contentHash: ctx.source.contentHash, posted: [...posted] } satisfies BlueskyProgress);
  } catch (error) {
    // Not fatal: the next attempt finds the post at its fixed record key anyway.
    ctx.logger.warn('Could not record which Bluesky posts went out', { deliveryId: ctx.delivery.id, error });
  }
}

/** The post at a record key, or undefined when there is none. */
async function findPost(client: BlueskyClient, rkey: string): Promise<(PostRef & { value: unknown }) | undefined> {
  try {
    const found = await client.agent.com.atproto.repo.getRecord({ repo: client.did, collection: POST, rkey });
    return found.data.cid ? { uri: found.data.uri, cid: found.data.cid, value: found.data.value } : undefined;
  } catch (error) {
    if (isRecordNotFound(error)) return undefined;
    throw error;
  }
}

/** Adds where a thread had got to, so a person reading a failure knows what is already public. */
function withProgress(error: unknown, posted: readonly PostRef[], total: number, handle: string): unknown {
  if (!(error instanceof ChannelError) || posted.length === 0) return error;
  const first = posted[0];
  const where = first ? ` (${blueskyPostUrl(handle, first.uri)})` : '';
  const note = ` ${posted.length} of ${total} posts are already on ${BLUESKY}${where}; sending again continues with post ${posted.length + 1}.`;
  return new ChannelError({ ...error.failure, message: `${error.failure.message}${note}` }, { cause: error });
}

type PostInput = {
  text: string;
  index: number;
  createdAt: string;
  posted: readonly PostRef[];
  images: readonly EmbeddedImage[];
  source: RenderSource;
};

/** The app.bsky.feed.post record of one post. Post 1 carries the images, or else the link card. */
async function postRecord(client: BlueskyClient, input: PostInput): Promise<Record<string, unknown>> {
  const facets = await resolveMentions(detectFacets(input.text), async (handle) => {
    const resolved = await client.agent.com.atproto.identity.resolveHandle({ handle });
    return resolved.data.did;
  });
  const root = input.posted[0];
  const parent = input.posted[input.index - 1];
  let embed: Record<string, unknown> | undefined;
  if (input.index === 0 && input.images.length > 0) {
    embed = { $type: 'app.bsky.embed.images', images: input.images.map((i) => ({ image: i.image, alt: i.alt })) };
  } else if (input.index === 0 && input.source.websiteUrl) {
    embed = {
      $type: 'app.bsky.embed.external',
      external: {
        uri: input.source.websiteUrl,
        title: input.source.title,
        // Whole characters only: a cut surrogate pair would not be valid text.
        description: graphemeList(input.source.summary).slice(0, CARD_DESCRIPTION_GRAPHEMES).join(''),
      },
    };
  }
  return {
    $type: POST,
    text: input.text,
    createdAt: input.createdAt,
    langs: ['en'],
    ...(facets.length > 0 ? { facets } : {}),
    ...(embed ? { embed } : {}),
    ...(root && parent && input.index > 0 ? { reply: { root: { ...root }, parent: { ...parent } } } : {}),
  };
}

/**
 * Writes one post at its fixed record key. A server error may be the PDS
 * refusing a key it already has (the real PDS answers a duplicate key with a
 * 500), so the key is read back once before giving up.
 */
async function writePost(client: BlueskyClient, rkey: string, record: Record<string, unknown>): Promise<PostRef> {
  return client.call({ creates: true }, async (agent) => {
    try {
      const created = await agent.com.atproto.repo.createRecord({ repo: client.did, collection: POST, rkey, record });
      return { uri: created.data.uri, cid: created.data.cid };
    } catch (error) {
      if (!isServerError(error)) throw error;
      const existing = await findPost(client, rkey).catch(() => undefined);
      if (existing) return { uri: existing.uri, cid: existing.cid };
      throw error;
    }
  });
}

/**
 * The Bluesky adapter. It keeps each target's session in memory (see
 * client.ts) and records a thread's posts on the delivery as they go out.
 */
export function createBlueskyAdapter(): ChannelAdapter<BlueskySettings> {
  const sessions = createSessionCache();

  async function publish(ctx: PublishContext<BlueskySettings>) {
    const posts = postsToSend(ctx.source);
    const posted = await postedBefore(ctx);
    const images = posted.length === 0 ? await imagesToPost(ctx) : [];
    return withBluesky(ctx, sessions, async (client) => {
      // A post whose answer was lost on an earlier attempt may be there: look before writing, until one is missing.
      let probe = posted.length > 0 || ctx.delivery.attempt > 1;
      let embedded: EmbeddedImage[] = [];
      try {
        for (let index = posted.length; index < posts.length; index++) {
          const rkey = postRecordKey(ctx.delivery.idempotencyKey, index);
          const found = probe ? await client.call({ creates: false }, () => findPost(client, rkey)) : undefined;
          probe = found !== undefined;
          if (found) {
            posted.push({ uri: found.uri, cid: found.cid });
          } else {
            if (index === 0 && images.length > 0 && embedded.length === 0)
              embedded = await uploadImages(client, images);
            const text = posts[index] ?? '';
            const createdAt = ctx.now().toISOString();
            const record = await client.call({ creates: false }, () =>
              postRecord(client, { text, index, createdAt, posted, images: embedded, source: ctx.source }),
            );
            posted.push(await writePost(client, rkey, record));
          }
          await recordPosted(ctx, posted);
        }
      } catch (error) {
        throw withProgress(error, posted, posts.length, ctx.settings.handle);
      }
      const first = posted[0];
      if (!first) throw new Error('No Bluesky post was recorded');
      ctx.logger.info('Posted to Bluesky', { posts: posted.length, images: embedded.length });
      return { externalId: first.uri, externalUrl: blueskyPostUrl(client.handle, first.uri) };
    });
  }

  /** Reads the delivery's posts back by their record keys (post 1 says how many there should be). */
  async function postsOf(client: BlueskyClient, ref: RemoteRef) {
    const first = await client.call({ creates: false }, () => findPost(client, postRecordKey(ref.idempotencyKey, 0)));
    if (!first) return { first: undefined, found: 0, total: 0 };
    const total = threadLength((first.value as { text?: unknown } | undefined)?.text);
    let found = 1;
    for (let index = 1; index < total; index++) {
      const rkey = postRecordKey(ref.idempotencyKey, index);
      if (!(await client.call({ creates: false }, () => findPost(client, rkey)))) break;
      found++;
    }
    return { first, found, total };
  }

  return {
    kind: BLUESKY_KIND,
    displayName: BLUESKY,
    settingsSchema: BlueskySettings,
    secrets: BLUESKY_SECRETS,
    limits: { contentKind: 'bluesky' },
    // Bluesky's PDS allows 5,000 write points an hour and 35,000 a day per account, a post costing 3 (about 1,666
    // posts an hour). One send at a time keeps threads in order; 720 sends an hour leaves room for threads of two.
    sendLimits: { concurrency: 1, burst: 10, perSecond: 0.2 },
    // Every post has a record key fixed by the delivery: a repeat cannot post twice.
    idempotent: true,

    render(source) {
      const variant = renderBluesky(source);
      return { title: source.title, text: variant.posts.join('\n\n'), html: '' };
    },

    async test(ctx: BlueskyContext) {
      try {
        return await withBluesky(ctx, sessions, async (client) => {
          const session = await client.call({ creates: false }, (agent) => agent.com.atproto.server.getSession());
          return { ok: true as const, account: `@${session.data.handle}` };
        });
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    publish: (_post, ctx) => publish(ctx),

    /**
     * Settles an unconfirmed delivery: every post of the thread at its record
     * key → published; none → absent. Part of a thread → absent too, so the
     * queue sends again, and that send finds the posts already there and
     * writes only the rest.
     */
    async lookup(ref, ctx): Promise<RemoteState> {
      return withBluesky(ctx, sessions, async (client) => {
        const { first, found, total } = await postsOf(client, ref);
        if (!first || found < total) return { state: 'absent' };
        return { state: 'published', externalId: first.uri, externalUrl: blueskyPostUrl(client.handle, first.uri) };
      });
    },

    /** Deletes the delivery's posts, last first (deleting a post that is already gone is not an error). */
    async retract(ref, ctx) {
      await withBluesky(ctx, sessions, async (client) => {
        const { first, total } = await postsOf(client, ref);
        if (!first) return;
        for (let index = total - 1; index >= 0; index--) {
          const rkey = postRecordKey(ref.idempotencyKey, index);
          await client.call({ creates: false }, (agent) =>
            agent.com.atproto.repo.deleteRecord({ repo: client.did, collection: POST, rkey }),
          );
        }
        ctx.logger.info('Deleted a delivery’s Bluesky posts', { posts: total });
      });
    },
  };
}
