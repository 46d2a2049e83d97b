/**
 * Which statuses of a thread are already on Mastodon, per delivery, in this
 * worker's memory. A thread that failed at post 2 continues at post 2 on the
 * next attempt instead of posting post 1 again. After a restart the memory is
 * gone, and the Idempotency-Key takes over (Mastodon returns the statuses
 * already made, for an hour).
 */

export type PostedStatus = { id: string; url: string; text: string };

/** Enough for every thread that could be half-way at once; the oldest is dropped first. */
const MAX_REMEMBERED = 1000;

export type ThreadProgress = {
  /** The statuses already posted for this delivery, when they are the start of these posts (otherwise none). */
  resume(deliveryKey: string, posts: readonly string[]): PostedStatus[];
  save(deliveryKey: string, posted: readonly PostedStatus[]): void;
  forget(deliveryKey: string): void;
};

/** An in-memory record of unfinished threads, bounded so failed deliveries cannot grow it for ever. */
export function createThreadProgress(): ThreadProgress {
  const byKey = new Map<string, PostedStatus[]>();
  return {
    resume(deliveryKey, posts) {
      const posted = byKey.get(deliveryKey) ?? [];
      // If the posts changed (the instance's limit changed the split), the old chain does not continue this one.
      const matches = posted.length <= posts.length && posted.every((status, i) => status.text === posts[i]);
      return matches ? [...posted] : [];
    },
    save(deliveryKey, posted) {
      byKey.delete(deliveryKey);
      byKey.set(deliveryKey, [...posted]);
      if (byKey.size > MAX_REMEMBERED) {
        const oldest = byKey.keys().next();
        if (!oldest.done) byKey.delete(oldest.value);
      }
    },
    forget(deliveryKey) {
      byKey.delete(deliveryKey);
    },
  };
}
