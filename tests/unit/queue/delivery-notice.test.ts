import { describe, expect, it } from 'vitest';
import { createNoticeDeduper, noticeKey, noticeText, shouldNotify } from '../../../shared/domain/delivery-notice.ts';

/** What both the in-app and the system notifications say, and when they say it once. */
describe('delivery notices', () => {
  it('notifies failed, unconfirmed and needs-reconnecting deliveries only', () => {
    expect(
      ['failed', 'unconfirmed', 'needs_reauth'].every((status) => shouldNotify({ status: status as 'failed' })),
    ).toBe(true);
    for (const status of ['scheduled', 'queued', 'sending', 'delivered', 'retry_wait', 'cancelled'] as const) {
      expect(shouldNotify({ status })).toBe(false);
    }
  });

  it('says what happened, where, and to which update', () => {
    expect(noticeText('failed', 'X', 'Bins')).toBe('X: “Bins” failed to send.');
    expect(noticeText('unconfirmed', 'X', 'Bins')).toBe(
      'X: “Bins” could not be confirmed. Check X, then say whether it went out.',
    );
    expect(noticeText('needs_reauth', 'X', '')).toBe('X: “Untitled update” is waiting for X to be reconnected.');
  });

  it('lets each delivery state through once, and forgets the oldest beyond its limit', () => {
    const dedupe = createNoticeDeduper(2);
    const a = noticeKey({ id: 'a', status: 'failed', updatedAt: '1' });
    expect(dedupe.first(a)).toBe(true);
    expect(dedupe.first(a)).toBe(false);
    expect(dedupe.first(noticeKey({ id: 'a', status: 'failed', updatedAt: '2' }))).toBe(true);
    expect(dedupe.first(noticeKey({ id: 'b', status: 'failed', updatedAt: '1' }))).toBe(true);
    // `a@1` was the oldest of three with room for two: forgotten.
    expect(dedupe.first(a)).toBe(true);
  });
});
