import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../../electron/core/email/unsubscribe-token.ts';
import { unsubscribeTokenOf } from '../../../electron/core/email/unsubscribe-page.ts';

const key = randomBytes(32);
const issuedAt = new Date('2026-11-01T10:00:00Z');
const claims = { subscriberId: 'sub-1', listId: 'list-1', issuedAt };

describe('unsubscribe tokens', () => {
  it('round-trips the subscriber, the list and the issue time (to the second)', () => {
    const token = signUnsubscribeToken(key, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyUnsubscribeToken(key, token, new Date('2026-11-02T00:00:00Z'))).toEqual({ ok: true, ...claims });
  });

  it('refuses a token with any character changed, or made with another key', () => {
    const token = signUnsubscribeToken(key, claims);
    const now = new Date('2026-11-02T00:00:00Z');
    for (const i of [0, 5, token.indexOf('.') + 1, token.length - 1]) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const changed = token.slice(0, i) + c + token.slice(i + 1);
      expect(verifyUnsubscribeToken(key, changed, now)).toMatchObject({ ok: false });
    }
    expect(verifyUnsubscribeToken(randomBytes(32), token, now)).toEqual({
      ok: false,
      reason: 'forged',
      message: 'This unsubscribe link was not issued by us, or it has been changed.',
    });
    // Another person's payload with this signature.
    const other = signUnsubscribeToken(key, { ...claims, subscriberId: 'sub-2' });
    const spliced = `${other.split('.')[0]}.${token.split('.')[1]}`;
    expect(verifyUnsubscribeToken(key, spliced, now)).toMatchObject({ ok: false, reason: 'forged' });
  });

  it('refuses an expired token and a damaged one, saying which', () => {
    const token = signUnsubscribeToken(key, claims);
    expect(verifyUnsubscribeToken(key, token, new Date('2026-11-01T11:00:01Z'), 3_600_000)).toEqual({
      ok: false,
      reason: 'expired',
      message: 'This unsubscribe link has expired.',
    });
    expect(verifyUnsubscribeToken(key, token, new Date('2026-11-01T10:59:59Z'), 3_600_000).ok).toBe(true);
    for (const bad of ['', 'abc', token.slice(0, -1), `${token}x`, 'a'.repeat(600), `x.${'y'.repeat(43)}`]) {
      expect(verifyUnsubscribeToken(key, bad, issuedAt)).toMatchObject({ ok: false });
    }
    expect(verifyUnsubscribeToken(key, token.slice(0, -1), issuedAt)).toMatchObject({ reason: 'malformed' });
  });

  it('finds the token only in /u/<token> paths', () => {
    expect(unsubscribeTokenOf('/u/abc.def')).toBe('abc.def');
    expect(unsubscribeTokenOf('/u/abc.def/')).toBe('abc.def');
    expect(unsubscribeTokenOf('/u/')).toBeNull();
    expect(unsubscribeTokenOf('/api/u/abc')).toBeNull();
    expect(unsubscribeTokenOf('/u/a/b')).toBeNull();
    expect(unsubscribeTokenOf('/u/%E0%A4%A')).toBe('');
  });
});
