import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretStore } from '../secrets/secret-store.ts';

/**
 * Unsubscribe tokens: HMAC-SHA256 over (subscriber id, list id, issue time)
 * with a key kept in the secret store (`email.unsubscribe-key`, made on first
 * use). A token proves we issued it for that person and list; it holds no
 * secret, and any change to it (or a token from another key) fails the check.
 * Every host that sends email or serves `/u/<token>` must share the key.
 */

export const UNSUBSCRIBE_KEY_SECRET = 'email.unsubscribe-key';
/** How long a link in an email keeps working: long, because people unsubscribe from old emails. */
export const DEFAULT_TOKEN_MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;

export type TokenClaims = { subscriberId: string; listId: string; issuedAt: Date };
export type TokenCheck =
  ({ ok: true } & TokenClaims) | { ok: false; reason: 'malformed' | 'forged' | 'expired'; message: string };

/** The key, creating and storing a random 256-bit one the first time. */
export async function unsubscribeKey(secrets: SecretStore): Promise<Buffer> {
  const stored = await secrets.get(UNSUBSCRIBE_KEY_SECRET);
  if (stored !== undefined) return Buffer.from(stored, 'base64url');
  const fresh = randomBytes(32).toString('base64url');
  await secrets.set(UNSUBSCRIBE_KEY_SECRET, fresh);
  // Read back: another process may have created one first (the file store keeps the last write).
  return Buffer.from((await secrets.get(UNSUBSCRIBE_KEY_SECRET)) ?? fresh, 'base64url');
}

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(`town-crier.unsubscribe.v1\n${payload}`).digest();
}

export function signUnsubscribeToken(key: Buffer, claims: TokenClaims): string {
  const payload = Buffer.from(
    JSON.stringify([claims.subscriberId, claims.listId, Math.floor(claims.issuedAt.getTime() / 1000)]),
  ).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** A token signer with the time of issue fixed: one HMAC per recipient, nothing else. */
export function tokenSigner(key: Buffer, issuedAt: Date) {
  return (subscriberId: string, listId: string) => signUnsubscribeToken(key, { subscriberId, listId, issuedAt });
}

export function verifyUnsubscribeToken(
  key: Buffer,
  token: string,
  now: Date,
  maxAgeMs = DEFAULT_TOKEN_MAX_AGE_MS,
): TokenCheck {
  const malformed = {
    ok: false as const,
    reason: 'malformed' as const,
    message: 'This unsubscribe link is incomplete or damaged.',
  };
  if (token.length > 512 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/.test(token)) return malformed;
  const [payload = '', signature = ''] = token.split('.');
  // Compared as text: base64url has spare bits in its last character, so two spellings can decode to the same
  // bytes; only the one spelling we issue is accepted.
  const expected = Buffer.from(mac(key, payload).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      reason: 'forged',
      message: 'This unsubscribe link was not issued by us, or it has been changed.',
    };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return malformed;
  }
  if (
    !Array.isArray(claims) ||
    claims.length !== 3 ||
    typeof claims[0] !== 'string' ||
    typeof claims[1] !== 'string' ||
    !Number.isInteger(claims[2])
  ) {
    return malformed;
  }
  const issuedAt = new Date(Number(claims[2]) * 1000);
  if (now.getTime() - issuedAt.getTime() > maxAgeMs) {
    return { ok: false, reason: 'expired', message: 'This unsubscribe link has expired.' };
  }
  return { ok: true, subscriberId: claims[0], listId: claims[1], issuedAt };
}
