import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../queue/queue-harness.ts';
import { callOk, createScope } from '../store/store-suite.ts';
import { longText, openMastodonRig, type MastodonRig } from './mastodon-fixtures.ts';

/**
 * Mastodon failures through the real queue and worker: each answer of the
 * emulator leads to the state a person expects, and nothing is ever posted
 * twice (the Idempotency-Key, and the thread progress recorded on the delivery).
 */

const scope = createScope();
afterEach(() => scope.dispose());

const SETTLED = ['delivered', 'failed', 'needs_reauth', 'unconfirmed'] as const;
const statusPosts = (rig: MastodonRig) => rig.emulator.requests.filter((r) => r.path === '/api/v1/statuses');

describe('Mastodon failures through the queue', () => {
  it('a 500 waits and tries again, and the post goes out once', async () => {
    const rig = await openMastodonRig(scope);
    rig.emulator.failNext('statuses', { kind: 'status', status: 500, error: 'Internal server error' });
    const id = await rig.publish();
    rig.worker.start();
    const delivered = await rig.waitFor(id, [...SETTLED]);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(rig.emulator.statuses).toHaveLength(1);
  });

  it('a thread that fails at post 2 resumes from post 2 and ends with exactly 3 posts in a chain', async () => {
    const rig = await openMastodonRig(scope);
    rig.emulator.failNext('statuses', { kind: 'status', status: 503, error: 'Service unavailable' }, 1);
    const id = await rig.publish({ variants: { mastodon: { text: longText(1200), thread: true } } });
    rig.worker.start();
    expect(await rig.waitFor(id, [...SETTLED])).toMatchObject({ status: 'delivered', attempts: 2 });
    const statuses = rig.emulator.statuses;
    expect(statuses).toHaveLength(3);
    expect(statuses.map((s) => s.inReplyToId)).toEqual([null, statuses[0]?.id, statuses[1]?.id]);
    // Post 1, post 2 (refused), then post 2 and 3: post 1 was not sent again.
    expect(statusPosts(rig)).toHaveLength(4);
  });

  it('a worker restarted mid-thread continues from the next status, even after the Idempotency-Keys expired', async () => {
    const rig = await openMastodonRig(scope, { timeoutMs: 30_000, worker: { stopGraceMs: 100 } });
    // Post 3's request reaches the instance and is never processed nor answered; the worker stops while it waits.
    rig.emulator.failNext('statuses', { kind: 'stall' }, 2);
    const id = await rig.publish({ variants: { mastodon: { text: longText(1200), thread: true } } });
    rig.worker.start();
    for (let i = 0; statusPosts(rig).length < 3; i++) {
      if (i > 500) throw new Error('post 3 was never requested');
      await sleep(20);
    }
    expect(rig.emulator.statuses).toHaveLength(2);
    await rig.worker.stop();
    expect((await rig.delivery(id)).status).toBe('unconfirmed');
    // More than an hour later, say: Mastodon no longer knows the keys, so only the recorded progress prevents a repeat.
    rig.emulator.forgetIdempotencyKeys();
    const restarted = rig.restartWorker();
    restarted.start();
    await callOk(rig.core, 'queue.resolve', { deliveryId: id, outcome: 'send_again' });
    const delivered = await rig.waitFor(id, [...SETTLED]);
    const statuses = rig.emulator.statuses;
    expect(delivered).toMatchObject({ status: 'delivered', externalId: statuses[0]?.id });
    expect(statuses).toHaveLength(3);
    expect(statuses.map((s) => s.inReplyToId)).toEqual([null, statuses[0]?.id, statuses[1]?.id]);
    // Posts 1 and 2 were not requested again: 1, 2, 3 (stalled), then 3.
    expect(statusPosts(rig).map((r) => r.idempotencyKey?.split(':').at(-1))).toEqual(['1', '2', '3', '3']);
  });

  it('a dropped answer is unconfirmed; "send again" returns the same status (Idempotency-Key), no duplicate', async () => {
    const rig = await openMastodonRig(scope);
    rig.emulator.failNext('statuses', { kind: 'drop' });
    const id = await rig.publish();
    rig.worker.start();
    expect(await rig.waitFor(id, [...SETTLED])).toMatchObject({ status: 'unconfirmed' });
    expect(rig.emulator.statuses).toHaveLength(1);
    await callOk(rig.core, 'queue.resolve', { deliveryId: id, outcome: 'send_again' });
    const delivered = await rig.waitFor(id, ['delivered', 'failed']);
    expect(rig.emulator.statuses).toHaveLength(1);
    expect(delivered).toMatchObject({ status: 'delivered', externalId: rig.emulator.statuses[0]?.id });
    const keys = statusPosts(rig).map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('a time-out after sending is unconfirmed and never sent again automatically', async () => {
    const rig = await openMastodonRig(scope, { timeoutMs: 300 });
    rig.emulator.failNext('statuses', { kind: 'hang' });
    const id = await rig.publish();
    rig.worker.start();
    const unconfirmed = await rig.waitFor(id, [...SETTLED]);
    expect(unconfirmed.status).toBe('unconfirmed');
    expect(unconfirmed.lastError?.message).toContain('did not answer in time');
    await sleep(300);
    expect(statusPosts(rig)).toHaveLength(1);
    expect((await rig.delivery(id)).status).toBe('unconfirmed');
  });

  it('a revoked token needs a person to reconnect', async () => {
    const rig = await openMastodonRig(scope);
    rig.emulator.revokeToken();
    const id = await rig.publish();
    rig.worker.start();
    const delivery = await rig.waitFor(id, [...SETTLED]);
    expect(delivery.status).toBe('needs_reauth');
    expect(delivery.lastError?.message).toContain('The access token is invalid');
    expect(delivery.lastError?.message).toContain('Reconnect the channel');
    expect(rig.emulator.statuses).toHaveLength(0);
  });

  it('a 422 from Mastodon fails with its reason (the instance lowered its limit after it was read)', async () => {
    const rig = await openMastodonRig(scope, { maxCharacters: 1000 });
    rig.worker.start();
    const first = await rig.publish({ variants: { mastodon: { text: longText(600), thread: true } } });
    await rig.waitFor(first, ['delivered']);
    rig.emulator.setMaxCharacters(500);
    const second = await rig.publish({ variants: { mastodon: { text: longText(650), thread: true } } });
    const failed = await rig.waitFor(second, [...SETTLED]);
    expect(failed.status).toBe('failed');
    expect(failed.lastError?.message).toContain('Validation failed: Text character limit of 500 exceeded');
    expect(rig.emulator.statuses).toHaveLength(1);
  });

  it('a 429 waits until X-RateLimit-Reset, then the post goes out', async () => {
    const rig = await openMastodonRig(scope);
    const id = await rig.publish();
    const resetAt = Date.now() + 800;
    rig.emulator.exhaustRateLimit(800);
    rig.worker.start();
    const waiting = await rig.waitFor(id, ['retry_wait', 'delivered', 'failed']);
    expect(waiting.status).toBe('retry_wait');
    expect(Date.parse(waiting.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(resetAt - 50);
    expect(waiting.lastError?.message).toContain('limiting how fast');
    await rig.waitFor(id, ['delivered']);
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt);
    expect(rig.emulator.statuses).toHaveLength(1);
  });
});
