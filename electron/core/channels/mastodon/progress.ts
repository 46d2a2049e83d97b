import { z } from 'zod';
import { ChannelError, type PublishContext } from '../adapter.ts';
import type { MastodonSettings } from './settings.ts';

/**
 * Which statuses of a thread are already on Mastodon. The worker passes
 * `ctx.progress`, stored on the delivery (`deliveries.progress`, with the
 * version's content hash): a thread that stopped at post 2 continues at post
 * 2 on the next attempt, even in a restarted worker and long after
 * Mastodon's one-hour Idempotency-Key memory is gone, so post 1 is never
 * posted again. Called without a store (outside the worker), it remembers in
 * memory for the adapter's life instead.
 */

export const PostedStatus = z.object({ id: z.string(), url: z.string(), text: z.string() });
export type PostedStatus = z.infer<typeof PostedStatus>;

/** What the Mastodon adapter records on its delivery. */
export const MastodonProgress = z.object({ contentHash: z.string(), posted: z.array(PostedStatus) });
export type MastodonProgress = z.infer<typeof MastodonProgress>;

/** Enough for every thread that could be half-way at once; the oldest is dropped first. */
const MAX_REMEMBERED = 1000;

type Ctx = PublishContext<MastodonSettings>;

export type ThreadProgress = {
  /** The statuses already posted for this delivery, when they are the start of these posts (otherwise none). */
  resume(ctx: Ctx, posts: readonly string[]): Promise<PostedStatus[]>;
  /** Records the statuses out so far, the moment Mastodon confirms one. */
  save(ctx: Ctx, posted: readonly PostedStatus[]): Promise<void>;
  forget(ctx: Ctx): void;
};

/** If the posts changed (the instance's limit changed the split), an old chain does not continue this one. */
function continues(posted: readonly PostedStatus[], posts: readonly string[]): boolean {
  return posted.length <= posts.length && posted.every((status, i) => status.text === posts[i]);
}

/** Progress on the delivery when the worker gives a place for it, in bounded memory otherwise. */
export function createThreadProgress(): ThreadProgress {
  const byKey = new Map<string, PostedStatus[]>();
  const remember = (key: string, posted: readonly PostedStatus[]) => {
    byKey.delete(key);
    byKey.set(key, [...posted]);
    if (byKey.size > MAX_REMEMBERED) {
      const oldest = byKey.keys().next();
      if (!oldest.done) byKey.delete(oldest.value);
    }
  };
  return {
    async resume(ctx, posts) {
      if (ctx.progress) {
        let recorded: unknown;
        try {
          recorded = await ctx.progress.get();
        } catch (error) {
          throw ChannelError.retryable(
            'Could not read what earlier attempts posted to Mastodon; nothing was sent.',
            undefined,
            {
              cause: error,
            },
          );
        }
        const stored = MastodonProgress.safeParse(recorded);
        if (
          stored.success &&
          stored.data.contentHash === ctx.source.contentHash &&
          continues(stored.data.posted, posts)
        ) {
          return [...stored.data.posted];
        }
      }
      const inMemory = byKey.get(ctx.delivery.idempotencyKey) ?? [];
      return continues(inMemory, posts) ? [...inMemory] : [];
    },
    async save(ctx, posted) {
      remember(ctx.delivery.idempotencyKey, posted);
      if (!ctx.progress) return;
      try {
        await ctx.progress.set({ contentHash: ctx.source.contentHash, posted: [...posted] } satisfies MastodonProgress);
      } catch (error) {
        // The memory copy and the Idempotency-Key still cover a retry by this worker within the hour.
        ctx.logger.warn('Could not record which Mastodon statuses went out', { deliveryId: ctx.delivery.id, error });
      }
    },
    forget(ctx) {
      byKey.delete(ctx.delivery.idempotencyKey);
    },
  };
}
