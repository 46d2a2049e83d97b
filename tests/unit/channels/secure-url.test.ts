import { describe, expect, it } from 'vitest';
import { isSecureUrl } from '../../../electron/core/channels/secure-url.ts';

describe('isSecureUrl: where a channel may send a secret', () => {
  it('takes https anywhere and http only to this machine', () => {
    expect(isSecureUrl('https://mastodon.social')).toBe(true);
    expect(isSecureUrl('http://127.0.0.1:8080')).toBe(true);
    expect(isSecureUrl('http://localhost/')).toBe(true);
    expect(isSecureUrl('http://[::1]:9000')).toBe(true);
    expect(isSecureUrl('http://mastodon.social')).toBe(false);
    expect(isSecureUrl('ftp://example.org')).toBe(false);
    expect(isSecureUrl('not a url')).toBe(false);
  });

  it('refuses credentials and spaces in the address', () => {
    expect(isSecureUrl('https://user:pass@example.org')).toBe(false);
    expect(isSecureUrl('https://example.org/a b', { allowPath: true })).toBe(false);
  });

  it('allows a path or a query only when asked', () => {
    expect(isSecureUrl('https://example.org/news')).toBe(false);
    expect(isSecureUrl('https://example.org/news', { allowPath: true })).toBe(true);
    expect(isSecureUrl('https://example.org/?p=1', { allowPath: true })).toBe(false);
    expect(isSecureUrl('https://example.org/news?p=1#top', { allowPath: true, allowQuery: true })).toBe(true);
  });
});
