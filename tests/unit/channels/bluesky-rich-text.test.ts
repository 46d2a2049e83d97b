import { XRPCError } from '@atproto/api';
import { describe, expect, it } from 'vitest';
import { classifyBlueskyError } from '../../../electron/core/channels/bluesky/errors.ts';
import { isTid, postRecordKey } from '../../../electron/core/channels/bluesky/record-keys.ts';
import { detectFacets, resolveMentions } from '../../../electron/core/channels/bluesky/rich-text.ts';
import { BlueskySettings } from '../../../electron/core/channels/bluesky/settings.ts';

/** The pure parts of the Bluesky channel: facets' byte offsets, record keys, settings and error classes. */

/** The text each facet covers, cut from the UTF-8 bytes exactly as a Bluesky client cuts it. */
function covered(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  return detectFacets(text).map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'));
}

describe('Bluesky facets', () => {
  it('counts UTF-8 bytes, not UTF-16 units, before a link (emoji, CJK, accents)', () => {
    const text = '🗑️ 收集日 — café: https://www.borsetshire.gov.uk/bins and #Recycling';
    const facets = detectFacets(text);
    expect(covered(text)).toEqual(['https://www.borsetshire.gov.uk/bins', '#Recycling']);
    // 🗑️ is 7 bytes (U+1F5D1 + VS16), each CJK character 3, the em dash 3, é 2: far from the UTF-16 index.
    const utf16Start = text.indexOf('https://');
    expect(facets[0]?.index.byteStart).toBe(Buffer.byteLength(text.slice(0, utf16Start), 'utf8'));
    expect(facets[0]?.index.byteStart).not.toBe(utf16Start);
    expect(facets[0]?.features[0]).toEqual({
      $type: 'app.bsky.richtext.facet#link',
      uri: 'https://www.borsetshire.gov.uk/bins',
    });
    expect(facets[1]?.features[0]).toEqual({ $type: 'app.bsky.richtext.facet#tag', tag: 'Recycling' });
  });

  it('handles a family emoji (one grapheme, 25 bytes) and a link at the very end', () => {
    const text = '👨‍👩‍👧‍👦 https://example.org/a';
    expect(covered(text)).toEqual(['https://example.org/a']);
    expect(detectFacets(text)[0]?.index).toEqual({ byteStart: 26, byteEnd: 26 + 21 });
  });

  it('links a bare domain with its https:// address, and ends before trailing punctuation', () => {
    const facets = detectFacets('See borsetshire.gov.uk.');
    expect(facets[0]?.features[0]).toMatchObject({ uri: 'https://borsetshire.gov.uk' });
    expect(covered('See borsetshire.gov.uk.')).toEqual(['borsetshire.gov.uk']);
  });

  it('resolves mentions to DIDs and leaves unresolvable ones as plain text', async () => {
    const text = 'Thanks @libraries.bsky.social and @nobody.example.com';
    const resolved = await resolveMentions(detectFacets(text), async (handle) =>
      handle === 'libraries.bsky.social' ? 'did:plc:abc' : undefined,
    );
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.features[0]).toEqual({ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:abc' });
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.subarray(resolved[0]?.index.byteStart, resolved[0]?.index.byteEnd).toString()).toBe(
      '@libraries.bsky.social',
    );
  });
});

describe('Bluesky record keys', () => {
  it('are the same for the same delivery and post, different otherwise, and have TID syntax', () => {
    const a1 = postRecordKey('key-a', 0);
    expect(postRecordKey('key-a', 0)).toBe(a1);
    expect(postRecordKey('key-a', 1)).not.toBe(a1);
    expect(postRecordKey('key-b', 0)).not.toBe(a1);
    for (let i = 0; i < 50; i++) expect(isTid(postRecordKey(`delivery-${i}`, i))).toBe(true);
  });
});

describe('Bluesky settings', () => {
  it('accepts a handle with or without @, lower-cases it, defaults to bsky.social', () => {
    expect(BlueskySettings.parse({ handle: '@Borsetshire.bsky.social' })).toEqual({
      handle: 'borsetshire.bsky.social',
      serviceUrl: 'https://bsky.social',
      timeoutMs: 30_000,
    });
  });

  it('refuses a handle that is not a domain, and plain http to another machine', () => {
    expect(BlueskySettings.safeParse({ handle: 'borsetshire' }).success).toBe(false);
    expect(BlueskySettings.safeParse({ handle: 'a.bsky.social', serviceUrl: 'http://pds.example.com' }).success).toBe(
      false,
    );
    expect(BlueskySettings.safeParse({ handle: 'a.bsky.social', serviceUrl: 'http://127.0.0.1:8080' }).success).toBe(
      true,
    );
  });
});

describe('Bluesky error classes', () => {
  const now = Date.parse('2026-07-06T09:00:00Z');
  const xrpc = (status: number, error: string, message: string, headers?: Record<string, string>) =>
    new XRPCError(status, error, message, headers);

  it('maps the PDS’s real error bodies', () => {
    const send = { creates: true };
    expect(classifyBlueskyError(xrpc(400, 'ExpiredToken', 'Token has expired'), send, now).failure.kind).toBe('auth');
    expect(classifyBlueskyError(xrpc(400, 'InvalidToken', 'Token could not be verified'), send, now).failure.kind).toBe(
      'auth',
    );
    const signIn = classifyBlueskyError(
      xrpc(401, 'AuthenticationRequired', 'Invalid identifier or password'),
      { creates: false, signIn: true },
      now,
    );
    expect(signIn.failure).toMatchObject({ kind: 'auth' });
    expect(signIn.message).toContain('refused the handle and app password (AuthenticationRequired: Invalid identifier');
    const invalid = classifyBlueskyError(
      xrpc(
        400,
        'InvalidRequest',
        'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes',
      ),
      send,
      now,
    );
    expect(invalid.failure).toMatchObject({ kind: 'rejected' });
    expect(invalid.message).toContain('300 graphemes');
    expect(classifyBlueskyError(xrpc(502, 'UpstreamFailure', 'Upstream Failure'), send, now).failure.kind).toBe(
      'retryable',
    );
  });

  it('waits until ratelimit-reset, a Unix time in seconds', () => {
    const reset = String(now / 1000 + 90);
    const limited = classifyBlueskyError(
      xrpc(429, 'RateLimitExceeded', 'Rate Limit Exceeded', { 'ratelimit-reset': reset }),
      { creates: true },
      now,
    );
    expect(limited.failure).toMatchObject({ kind: 'retryable', afterMs: 90_000, offline: false });
    expect(limited.message).toContain('It lifts at 2026-07-06T09:01:30.000Z');
  });

  it('a refused connection is offline; a time-out after sending is an unknown outcome (for a post only)', () => {
    const refused = XRPCError.from(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    expect(classifyBlueskyError(refused, { creates: true }, now).failure).toMatchObject({
      kind: 'retryable',
      offline: true,
    });
    const timeout = XRPCError.from(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    expect(classifyBlueskyError(timeout, { creates: true }, now).failure.kind).toBe('unknown_outcome');
    expect(classifyBlueskyError(timeout, { creates: false }, now).failure.kind).toBe('retryable');
  });
});
