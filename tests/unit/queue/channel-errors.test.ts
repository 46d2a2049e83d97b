import { describe, expect, it } from 'vitest';
import { ChannelError, failureOf, type ChannelAdapter } from '../../../electron/core/channels/adapter.ts';
import { classifyFetchError, classifyHttpStatus, retryAfterMs } from '../../../electron/core/channels/http-errors.ts';
import { createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { dayBounds } from '../../../electron/core/queue/day-bounds.ts';

const NOW = Date.parse('2026-07-01T12:00:00.000Z');
const headers = (init: Record<string, string>) => new Headers(init);

describe('classified channel errors', () => {
  it('builds each class with its plain-English message', () => {
    expect(ChannelError.retryable('Busy', 3000).failure).toEqual({
      kind: 'retryable',
      message: 'Busy',
      offline: false,
      afterMs: 3000,
    });
    expect(ChannelError.offline('No network').failure).toEqual({
      kind: 'retryable',
      message: 'No network',
      offline: true,
    });
    expect(ChannelError.auth('Reconnect').failure).toEqual({ kind: 'auth', message: 'Reconnect' });
    expect(ChannelError.rejected('Too long', 'text').failure).toEqual({
      kind: 'rejected',
      message: 'Too long',
      field: 'text',
    });
    expect(ChannelError.unknownOutcome('Lost').failure).toEqual({ kind: 'unknown_outcome', message: 'Lost' });
  });

  it('treats anything else an adapter throws as an unknown outcome, never as safe to resend', () => {
    expect(failureOf(new RangeError('bug in adapter'))).toMatchObject({ kind: 'unknown_outcome' });
    expect(failureOf('a string')).toMatchObject({ kind: 'unknown_outcome' });
  });
});

describe('HTTP classification', () => {
  it('reads Retry-After in seconds or as a date, and rate-limit resets', () => {
    expect(retryAfterMs(headers({ 'retry-after': '2' }), NOW)).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '1.5' }), NOW)).toBe(1500);
    expect(retryAfterMs(headers({ 'retry-after': new Date(NOW + 90_000).toUTCString() }), NOW)).toBe(90_000);
    expect(retryAfterMs(headers({ 'ratelimit-reset': '30' }), NOW)).toBe(30_000);
    expect(retryAfterMs(headers({ 'x-ratelimit-reset': String(NOW / 1000 + 60) }), NOW)).toBe(60_000);
    expect(retryAfterMs(headers({ 'x-ratelimit-reset': '15' }), NOW)).toBe(15_000);
    expect(retryAfterMs(headers({}), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [400, 'rejected'],
    [404, 'rejected'],
    [413, 'rejected'],
    [422, 'rejected'],
    [408, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
  ])('HTTP %i is %s', (status, kind) => {
    expect(classifyHttpStatus(status, headers({}), 'reason', 'The site', NOW).failure.kind).toBe(kind);
  });

  it('carries the wait of a 429 and the server reason of a rejection', () => {
    expect(classifyHttpStatus(429, headers({ 'retry-after': '7' }), '', 'X', NOW).failure).toMatchObject({
      kind: 'retryable',
      afterMs: 7000,
      message: 'X is limiting how fast we send.',
    });
    expect(classifyHttpStatus(422, headers({}), 'Title is required', 'The site', NOW).message).toBe(
      'The site refused the update (HTTP 422): Title is required.',
    );
  });

  it('says a refused connection sent nothing, and a dropped one might have', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyFetchError(refused, 'The site').failure).toMatchObject({ kind: 'retryable', offline: true });
    const dropped = new TypeError('fetch failed', {
      cause: Object.assign(new Error('closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(classifyFetchError(dropped, 'The site').failure.kind).toBe('unknown_outcome');
    const timeout = new DOMException('The operation timed out', 'TimeoutError');
    expect(classifyFetchError(timeout, 'The site').failure.kind).toBe('unknown_outcome');
  });
});

describe('channel registry', () => {
  const adapter = (kind: string) => ({ kind }) as unknown as ChannelAdapter;

  it('finds adapters by kind and refuses two for one kind', () => {
    const registry = createChannelRegistry([adapter('a.one'), adapter('b.two')]);
    expect(registry.get('a.one')?.kind).toBe('a.one');
    expect(registry.get('c.three')).toBeUndefined();
    expect(registry.kinds()).toEqual(['a.one', 'b.two']);
    expect(() => createChannelRegistry([adapter('a.one'), adapter('a.one')])).toThrow(/Two channel adapters/);
  });
});

describe('"today" in Europe/London, stored in UTC', () => {
  it.each([
    ['2026-01-15T12:00:00.000Z', '2026-01-15T00:00:00.000Z', '2026-01-16T00:00:00.000Z'],
    ['2026-07-01T12:00:00.000Z', '2026-06-30T23:00:00.000Z', '2026-07-01T23:00:00.000Z'],
    // Just after midnight in summer: already the next day in London, still the previous one in UTC.
    ['2026-07-01T23:30:00.000Z', '2026-07-01T23:00:00.000Z', '2026-07-02T23:00:00.000Z'],
    // The clocks go forward (a 23-hour day) and back (a 25-hour day).
    ['2026-03-29T12:00:00.000Z', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z'],
    ['2026-10-25T12:00:00.000Z', '2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z'],
  ])('at %s the day runs from %s to %s', (now, from, to) => {
    expect(dayBounds(new Date(now), 'Europe/London')).toEqual({ from, to });
  });
});
