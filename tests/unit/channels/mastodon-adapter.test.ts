import { afterEach, describe, expect, it } from 'vitest';
import { ChannelError } from '../../../electron/core/channels/adapter.ts';
import { retryAfterMs } from '../../../electron/core/channels/http-errors.ts';
import { mastodonFetchError, mastodonHttpError } from '../../../electron/core/channels/mastodon/errors.ts';
import {
  createMastodonAdapter,
  statusIdempotencyKey,
} from '../../../electron/core/channels/mastodon/mastodon-adapter.ts';
import { MastodonSettings } from '../../../electron/core/channels/mastodon/settings.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { startMastodonEmulator, type MastodonEmulator } from '../../support/mastodon-emulator.ts';

/** The Mastodon adapter's settings, error classes and "Test connection". */

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });
const NOW = Date.parse('2026-07-06T09:00:00.000Z');

describe('Mastodon errors', () => {
  it('maps a refused token, a 422, a 429 and a 5xx to the queue’s classes', async () => {
    const invalid = await mastodonHttpError(answer(401, { error: 'The access token is invalid' }), NOW);
    expect(invalid.failure).toMatchObject({ kind: 'auth' });
    const tooLong = await mastodonHttpError(
      answer(422, { error: 'Validation failed: Text character limit of 500 exceeded' }),
      NOW,
    );
    expect(tooLong.failure).toEqual({
      kind: 'rejected',
      message: 'Mastodon refused the post: Validation failed: Text character limit of 500 exceeded.',
    });
    const limited = await mastodonHttpError(
      answer(429, { error: 'Too many requests' }, { 'x-ratelimit-reset': '2026-07-06T09:05:00.000Z' }),
      NOW,
    );
    expect(limited.failure).toMatchObject({ kind: 'retryable', afterMs: 300_000, offline: false });
    expect((await mastodonHttpError(answer(502, {}), NOW)).failure).toMatchObject({ kind: 'retryable' });
  });

  it('reads an ISO X-RateLimit-Reset and still prefers Retry-After', () => {
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '2026-07-06T09:00:30.000Z' }), NOW)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': '5', 'x-ratelimit-reset': '2026-07-06T09:00:30Z' }), NOW)).toBe(
      5000,
    );
  });

  it('a lost answer is an unknown outcome only for a call that posts', () => {
    const timeout = new DOMException('timed out', 'TimeoutError');
    expect(mastodonFetchError(timeout, true).failure.kind).toBe('unknown_outcome');
    expect(mastodonFetchError(timeout, false).failure.kind).toBe('retryable');
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(mastodonFetchError(refused, true).failure).toMatchObject({ kind: 'retryable', offline: true });
    expect(mastodonFetchError(new ChannelError({ kind: 'auth', message: 'x' }), true).failure.kind).toBe('auth');
  });
});

describe('Mastodon settings and keys', () => {
  it('accepts https instances (http only on this machine) and keeps one form', () => {
    expect(MastodonSettings.parse({ instanceUrl: 'https://social.example.gov.uk/' })).toEqual({
      instanceUrl: 'https://social.example.gov.uk',
      timeoutMs: 30_000,
    });
    expect(MastodonSettings.safeParse({ instanceUrl: 'http://social.example.gov.uk' }).success).toBe(false);
    expect(MastodonSettings.safeParse({ instanceUrl: 'https://social.example.gov.uk/@council' }).success).toBe(false);
    expect(MastodonSettings.safeParse({ instanceUrl: 'http://127.0.0.1:4000' }).success).toBe(true);
  });

  it('derives one Idempotency-Key per post, stable across re-sends', () => {
    expect(statusIdempotencyKey('abc', 0)).toBe('town-crier:abc:1');
    expect(statusIdempotencyKey('abc', 2)).toBe(statusIdempotencyKey('abc', 2));
    expect(statusIdempotencyKey('abc', 1)).not.toBe(statusIdempotencyKey('abc', 0));
  });
});

describe('Mastodon "Test connection"', () => {
  let emulator: MastodonEmulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
  });

  it('names the account as @name@instance, and explains a refused token', async () => {
    emulator = await startMastodonEmulator({ username: 'borsetshire' });
    const e = emulator;
    const adapter = createMastodonAdapter();
    const ctx = (token: string | undefined) => ({
      target: { id: 't1', name: 'Council Mastodon' },
      settings: MastodonSettings.parse({ instanceUrl: e.url }),
      credentials: async () => token,
      fetch,
      logger: createLogger('test', () => undefined),
      now: () => new Date(),
      signal: new AbortController().signal,
    });
    // The instance's own limit comes back too (the emulator's default, 500), for the counters and the pre-send check.
    expect(await adapter.test(ctx(e.token))).toEqual({
      ok: true,
      account: `@borsetshire@${new URL(e.url).host}`,
      limits: { mastodonLimit: 500 },
    });
    const refused = await adapter.test(ctx('wrong'));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('The access token is invalid') });
    expect(await adapter.test(ctx(undefined))).toMatchObject({
      ok: false,
      message: expect.stringContaining('No Mastodon access token'),
    });
  });
});
