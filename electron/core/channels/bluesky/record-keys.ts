import { createHash } from 'node:crypto';

/**
 * Record keys for the posts of a delivery. Each post is written with a key
 * computed from the delivery's idempotency key and the post's place in the
 * thread, so every attempt of a delivery writes to the same address: a
 * repeat cannot make a second post (the PDS already has that key), and a
 * look-up (`getRecord`) can find a post whose answer was lost, without any
 * state. The key has the syntax of a TID (what app.bsky.feed.post asks for):
 * 13 base32-sortable characters, its timestamp bits taken from the hash
 * within 2023, so it never claims a future time.
 */

const S32 = '234567abcdefghijklmnopqrstuvwxyz';
const WINDOW_START_MICROS = 1_672_531_200_000_000n; // 2023-01-01T00:00:00Z
const WINDOW_MICROS = 365n * 24n * 60n * 60n * 1_000_000n;

/** The TID-syntax record key of post `index` (0-based) of a delivery. Pure, so the same inputs always give the same key. */
export function postRecordKey(deliveryKey: string, index: number): string {
  const digest = createHash('sha256')
    .update(`town-crier:${deliveryKey}:${index + 1}`)
    .digest();
  const micros = WINDOW_START_MICROS + (digest.readBigUInt64BE(0) % WINDOW_MICROS);
  const clockId = BigInt(digest.readUInt16BE(8) & 0x3ff);
  let value = (micros << 10n) | clockId;
  let key = '';
  for (let i = 0; i < 13; i++) {
    key = S32.charAt(Number(value & 31n)) + key;
    value >>= 5n;
  }
  return key;
}

/** True for a string with TID syntax (13 characters, base32-sortable, first character 2–j). */
export function isTid(value: string): boolean {
  return /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/.test(value);
}
