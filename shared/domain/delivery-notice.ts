import type { DeliveryChanged, DeliveryStatus } from './queue.ts';

/**
 * Which delivery changes a person is told about, and in what words: a
 * delivery that failed, could not be confirmed, or waits for its channel to
 * be reconnected. Shared by the web host's in-app notifications and the
 * desktop app's system notifications, so both say the same thing.
 */
export const NOTIFY_STATUSES: ReadonlySet<DeliveryStatus> = new Set(['failed', 'unconfirmed', 'needs_reauth']);

/** True when this change is one a person should hear about. */
export function shouldNotify(change: Pick<DeliveryChanged, 'status'>): boolean {
  return NOTIFY_STATUSES.has(change.status);
}

/**
 * One key per delivery state: the same change announced twice (events can
 * repeat across processes) has the same key, so it is shown once; the same
 * delivery failing again later (after a retry) has a new `updatedAt`, so a
 * new key.
 */
export function noticeKey(change: Pick<DeliveryChanged, 'id' | 'status' | 'updatedAt'>): string {
  return `${change.id}:${change.status}:${change.updatedAt}`;
}

/** The notification's text, e.g. `Mastodon: “Bins change” failed to send.` */
export function noticeText(status: DeliveryStatus, channel: string, title: string): string {
  const what = `${channel}: “${title || 'Untitled update'}”`;
  switch (status) {
    case 'unconfirmed':
      return `${what} could not be confirmed. Check ${channel}, then say whether it went out.`;
    case 'needs_reauth':
      return `${what} is waiting for ${channel} to be reconnected.`;
    default:
      return `${what} failed to send.`;
  }
}

/**
 * Remembers which notices were already given, keeping the newest `limit`
 * keys (a long-running app does not grow without bound).
 */
export function createNoticeDeduper(limit = 500) {
  const seen = new Set<string>();
  return {
    /** True the first time a key is offered, false for a repeat. */
    first(key: string): boolean {
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > limit) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      return true;
    },
  };
}
