import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../../electron/core/queue/backoff.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { createScope, ENGINES, openQueueHarness, usePostgres } from './queue-harness.ts';

/**
 * Issue 5, "must show": retry timing with a fake clock. The real worker (its
 * claim, send and outcome code, the default back-off of 30 s doubling to
 * 30 min, a seeded jitter) sends through the real HTTP sink adapter to a
 * real server on 127.0.0.1; only the worker's clock is fake, and each pass
 * is driven by hand (`runOnce`, then `drain`), so every next-attempt time is
 * checked to the millisecond, and one millisecond early sends nothing.
 */

const postgres = usePostgres();
const SEED = 20_261_127;

/** The ceiling of the full-jitter back-off before attempt `attempt + 1`: 30 s, 60 s, 120 s… capped at 30 min. */
const ceiling = (attempt: number) =>
  Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** Math.max(0, attempt - 1));

/** What undici throws when the TCP connection is not made in time (the request never left). */
const connectTimeout = () =>
  new TypeError('fetch failed', {
    cause: Object.assign(new Error('Connect Timeout Error (attempted address: 127.0.0.1)'), {
      code: 'UND_ERR_CONNECT_TIMEOUT',
    }),
  });

describe.each(ENGINES)('retry timing with a fake clock on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('waits for a 429 reset, then backs off exactly after 5xx, a 504, a connect timeout and refusals, and gives up after the last attempt', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const target = await h.target();
    const first = (await h.publish([target])).deliveries[0]?.id ?? '';

    // The worker's clock: a whole second, after the publication was made.
    let clock = Math.ceil((Date.now() + 1000) / 1000) * 1000;
    const t0 = clock;
    const resetAt = t0 / 1000 + 600; // X-RateLimit-Reset: a Unix time ten minutes on
    h.sink.behave((r) => {
      if (r.deliveryId !== first) return { kind: 'ok' };
      if (r.nth === 1) {
        return {
          kind: 'status',
          status: 429,
          headers: { 'x-ratelimit-reset': String(resetAt) },
          body: '{"error":"Rate limit exceeded"}',
        };
      }
      if (r.nth === 3) return { kind: 'status', status: 504, body: '{"error":"Upstream timed out"}' };
      return { kind: 'status', status: 503, body: '{"error":"Service unavailable"}' };
    });
    let failConnect = false;
    const worker = await h.worker({
      now: () => new Date(clock),
      random: seededRandom(SEED),
      backoff: DEFAULT_BACKOFF,
      leaseMs: 60_000,
      pollMs: 60_000,
      fetch: (input, init) => {
        if (!failConnect) return fetch(input, init);
        failConnect = false;
        return Promise.reject(connectTimeout());
      },
    });
    /** One pass of the worker at `at`, waiting for the sends it started; returns how many it started. */
    const passAt = async (at: number) => {
      clock = at;
      const started = await worker.runOnce();
      await worker.drain();
      return started;
    };
    // The same draws as the worker's generator, in the same order: one per back-off.
    const draws = seededRandom(SEED);
    const iso = (ms: number) => new Date(ms).toISOString();
    /** Checks the delivery waits exactly `max(minMs, jitter)` from `from`, and returns when it is due. */
    const expectWait = async (attempt: number, from: number, minMs: number, kind: 'retryable' | 'offline') => {
      const due = from + Math.max(minMs, Math.floor(draws() * ceiling(attempt)));
      expect(await h.delivery(first)).toMatchObject({
        status: 'retry_wait',
        attempts: attempt,
        nextAttemptAt: iso(due),
        lastError: { kind },
      });
      return due;
    };
    /** Nothing is sent a millisecond early; the attempt goes at exactly its time. */
    const expectSentAt = async (due: number) => {
      expect(await passAt(due - 1)).toBe(0);
      expect(await passAt(due)).toBe(1);
    };

    // 1. 429 with a reset ten minutes on: the reset wins over the (at most 30 s) back-off.
    expect(await passAt(t0)).toBe(1);
    const afterReset = await expectWait(1, t0, 600_000, 'retryable');
    expect(afterReset).toBe(t0 + 600_000);
    expect((await h.delivery(first)).lastError?.message).toBe(
      'The test sink is limiting how fast we send: Rate limit exceeded.',
    );
    // The limit is the account's: a delivery published now waits for the reset too, then goes first (oldest due);
    // the account resumes with one token, not a burst, so the first delivery follows a millisecond later.
    const second = (await h.publish([target])).deliveries[0]?.id ?? '';
    expect(await passAt(afterReset - 1)).toBe(0);
    expect((await h.delivery(second)).status).toBe('queued');
    expect(await passAt(afterReset)).toBe(1);
    expect((await h.delivery(second)).status).toBe('delivered');
    expect((await h.delivery(first)).status).toBe('retry_wait');
    expect(h.sink.requestsFor(second)[0]?.at).toBeGreaterThan(h.sink.requestsFor(first)[0]?.at ?? 0);
    const t1 = afterReset + 1;
    expect(await passAt(t1)).toBe(1);

    // 2. 503: up to 60 s (attempt 2's ceiling).
    const due3 = await expectWait(2, t1, 0, 'retryable');
    expect((await h.delivery(first)).lastError?.message).toBe(
      'The test sink had a problem (HTTP 503): Service unavailable.',
    );
    await expectSentAt(due3);

    // 3. 504, the gateway timed out: retryable, up to 120 s.
    const due4 = await expectWait(3, due3, 0, 'retryable');
    expect((await h.delivery(first)).lastError?.message).toBe(
      'The test sink had a problem (HTTP 504): Upstream timed out.',
    );
    failConnect = true;
    await expectSentAt(due4);

    // 4. The connection timed out before it was made: offline, so it does not use up an attempt.
    const due5 = await expectWait(4, due4, 0, 'offline');
    expect(await h.delivery(first)).toMatchObject({
      lastError: { message: 'Could not reach The test sink (UND_ERR_CONNECT_TIMEOUT). Nothing was sent.' },
    });

    // 5–7. The server is down (connection refused, for real): still waiting, past the 5-attempt limit, never failed.
    await h.sink.stop();
    await expectSentAt(due5);
    const due6 = await expectWait(5, due5, 0, 'offline');
    expect((await h.delivery(first)).lastError?.message).toBe(
      'Could not reach The test sink (ECONNREFUSED). Nothing was sent.',
    );
    await expectSentAt(due6);
    const due7 = await expectWait(6, due6, 0, 'offline');
    await expectSentAt(due7);
    // Attempt 7's ceiling (32 min) is past the cap: 30 min.
    expect(ceiling(7)).toBe(DEFAULT_BACKOFF.capMs);
    const due8 = await expectWait(7, due7, 0, 'offline');
    const waiting = await h.db.one('SELECT attempts, attempt_limit FROM deliveries WHERE id = $1', [first]);
    expect(waiting).toEqual({ attempts: 7, attempt_limit: 9 });

    // 8. Back up, still failing: the four offline attempts were not counted, so it waits again…
    await h.sink.restart();
    await expectSentAt(due8);
    const due9 = await expectWait(8, due8, 0, 'retryable');

    // 9. …and this is the fifth counted attempt: it gives up, and nothing more is scheduled.
    await expectSentAt(due9);
    const failed = await h.delivery(first);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 9,
      nextAttemptAt: null,
      lastError: {
        kind: 'gave_up',
        message:
          'Gave up after 9 attempts. The last error was: The test sink had a problem (HTTP 503): Service unavailable.',
        nextStep: 'Choose Retry to try again.',
      },
    });
    expect(await passAt(due9 + 365 * 24 * 3_600_000)).toBe(0);
    expect(h.sink.requestsFor(first)).toHaveLength(5);

    const rows = await h.db.all(
      'SELECT attempt, outcome, started_at FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt',
      [first],
    );
    expect(rows.map((r) => r.outcome)).toEqual([
      'retryable',
      'retryable',
      'retryable',
      'offline',
      'offline',
      'offline',
      'offline',
      'retryable',
      'retryable',
    ]);
    // Each attempt started exactly when it was due.
    expect(rows.map((r) => new Date(String(r.started_at)).getTime())).toEqual([
      t0,
      t1,
      due3,
      due4,
      due5,
      due6,
      due7,
      due8,
      due9,
    ]);
    const history = await h.db.all(
      `SELECT to_status FROM delivery_history WHERE delivery_id = $1 AND to_status = 'failed'`,
      [first],
    );
    expect(history).toHaveLength(1);
  });

  it('does not resend a send that timed out after it left: nobody knows whether it went out', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const target = await h.target(undefined, 'Slow', { url: h.sink.url, timeoutMs: 300 });
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    let clock = Date.now() + 1000;
    const worker = await h.worker({ now: () => new Date(clock), backoff: DEFAULT_BACKOFF, pollMs: 60_000 });
    h.sink.behave(() => ({ kind: 'hang' }));
    expect(await worker.runOnce()).toBe(1);
    await worker.drain();
    expect(await h.delivery(id)).toMatchObject({
      status: 'unconfirmed',
      attempts: 1,
      nextAttemptAt: null,
      lastError: { kind: 'unknown_outcome' },
    });
    clock += 365 * 24 * 3_600_000;
    expect(await worker.runOnce()).toBe(0);
    expect(h.sink.requestsFor(id)).toHaveLength(1);
    h.sink.releaseHung();
  });
});
