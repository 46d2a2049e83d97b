import { afterEach, describe, expect, it } from 'vitest';
import type { XEmulator } from '../../support/x-emulator.ts';
import { createScope } from '../store/store-suite.ts';
import { openXHarness, xBody } from './x-harness.ts';

/** How X's refusals and silences reach the queue: each mapped once, in x-errors.ts. */

const scope = createScope();
afterEach(() => scope.dispose());

const LONG =
  'Green bin collections move from Monday to Tuesday across the whole borough from 3 March. ' +
  'Brown garden waste bins stay on Thursdays, and food caddies are still collected every week on your usual day. ' +
  'If your collection is missed, report it online within two working days and we will come back. ' +
  'Crews start at 6am, so please put bins out the night before, with the lid closed and handles facing the road. ' +
  'Thank you for recycling: last year the borough recycled more than half of its household waste.';

const settled = ['delivered', 'failed', 'needs_reauth', 'unconfirmed'] as const;
const tweetPosts = (x: { emulator: XEmulator }) =>
  x.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets');

describe('X failures through the queue', () => {
  it('wrong secrets: the emulator refuses the signature (401) and the delivery needs reconnecting', async () => {
    const x = await openXHarness(scope);
    x.secrets.access_secret = 'not-the-real-access-secret';
    const sent = await x.publish({ body: xBody('Libraries open late on Thursdays.') });
    x.worker.start();
    const delivery = await x.until(sent, ...settled);
    expect(delivery.status).toBe('needs_reauth');
    expect(delivery.lastError?.message).toMatch(/X refused the saved keys \(HTTP 401: Unauthorized\)/);
    expect(delivery.lastError?.message).toMatch(/Reconnect the X channel/);
    expect(x.emulator.tweets).toEqual([]);
  });

  it('a revoked token needs reconnecting too', async () => {
    const x = await openXHarness(scope);
    x.emulator.revokeToken();
    const sent = await x.publish({ body: xBody('Libraries open late on Thursdays.') });
    x.worker.start();
    expect((await x.until(sent, ...settled)).status).toBe('needs_reauth');
  });

  it('a duplicate of a recent post fails with a plain-English reason and is not retried', async () => {
    const x = await openXHarness(scope);
    x.worker.start();
    const first = await x.publish({ body: xBody('The tip is closed on Sunday.') });
    expect((await x.until(first, ...settled)).status).toBe('delivered');
    const second = await x.publish({ body: xBody('The tip is closed on Sunday.') });
    const delivery = await x.until(second, ...settled);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.lastError?.message).toBe('X refused this as a duplicate of a recent post.');
    expect(x.emulator.tweets).toHaveLength(1);
  });

  it('429: waits in retry_wait until x-rate-limit-reset, then posts', async () => {
    const x = await openXHarness(scope);
    const reset = Math.floor(Date.now() / 1000) + 2;
    x.emulator.setTweetRateLimit(0, reset);
    const sent = await x.publish({ body: xBody('Parking is free in December.') });
    x.worker.start();
    const waiting = await x.until(sent, 'retry_wait', ...settled);
    expect(waiting.status).toBe('retry_wait');
    expect(Date.parse(waiting.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(reset * 1000 - 100);
    expect(waiting.lastError?.message).toMatch(/X is limiting how fast this account posts/);
    const delivered = await x.until(sent, ...settled);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(x.emulator.tweets).toHaveLength(1);
    expect(x.emulator.tweets[0]?.at).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('a 500 is retried, and the retry posts once', async () => {
    const x = await openXHarness(scope);
    x.emulator.failNextTweets({ kind: 'status', status: 500 });
    const sent = await x.publish({ body: xBody('Council tax bills are on their way.') });
    x.worker.start();
    const delivered = await x.until(sent, ...settled);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(tweetPosts(x).map((r) => r.status)).toEqual([500, 201]);
    expect(x.emulator.tweets).toHaveLength(1);
  });

  it('a thread that fails at post 2 resumes from post 2: the thread ends with each post exactly once', async () => {
    const x = await openXHarness(scope);
    x.emulator.failNextTweets({ kind: 'ok' }, { kind: 'status', status: 503 });
    const sent = await x.publish({ body: xBody(LONG), variants: { x: { text: LONG, thread: true } } });
    x.worker.start();
    const delivered = await x.until(sent, ...settled);
    const tweets = x.emulator.tweets;
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2, externalId: tweets[0]?.id });
    expect(tweetPosts(x).map((r) => r.status)).toEqual([201, 503, ...tweets.slice(1).map(() => 201)]);
    expect(tweets.length).toBeGreaterThanOrEqual(3);
    tweets.forEach((tweet, i) => {
      expect(tweet.text.endsWith(` ${i + 1}/${tweets.length}`)).toBe(true);
      expect(tweet.inReplyTo).toBe(i === 0 ? null : (tweets[i - 1]?.id ?? 'missing'));
    });
  });

  it('X takes the post and never answers: unconfirmed, and never sent a second time', async () => {
    const x = await openXHarness(scope, { timeoutMs: 300 });
    x.emulator.failNextTweets({ kind: 'hang' });
    const sent = await x.publish({ body: xBody('Roadworks on the High Street this week.') });
    x.worker.start();
    const delivery = await x.until(sent, ...settled);
    expect(delivery.status).toBe('unconfirmed');
    expect(delivery.lastError?.message).toMatch(/X did not answer in time/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tweetPosts(x)).toHaveLength(1);
    expect(x.emulator.tweets).toHaveLength(1);
    expect((await x.delivery(sent))?.status).toBe('unconfirmed');
  });
});
