/**
 * Which refusals from the relay mean the address itself is dead (a "hard
 * bounce"), so the subscriber is marked `bounced` and no list mails them
 * again. Only refusals about the mailbox or its domain count: a policy or
 * spam block (5.7.x), a full mailbox (5.2.2) or a message the relay found
 * too big says nothing about the address, and 4xx answers are retried.
 */

/** RFC 3463 enhanced status codes that say the address does not exist or cannot take mail. */
const DEAD_ADDRESS = /^5\.(1\.(1|2|3|6|10)|2\.1)$/;

/** Words relays use for a missing mailbox when they give no enhanced status code. */
const DEAD_ADDRESS_WORDS =
  /\b(user unknown|unknown user|no such (user|mailbox|recipient)|mailbox (not found|unavailable|does not exist)|recipient (address )?rejected: user|does not exist|unknown recipient|invalid recipient|address rejected)\b/i;

/**
 * True when an SMTP answer to one recipient is a permanent refusal of the
 * address: 550/551/553 (or any 5xx with an enhanced code 5.1.1, 5.1.2, 5.1.3,
 * 5.1.6, 5.1.10 or 5.2.1), or 550/551/553 whose text says the mailbox is unknown.
 */
export function isHardBounce(code: number | null, reply: string | null): boolean {
  if (code === null || code < 500 || code > 599) return false;
  const text = (reply ?? '').replace(/^\d{3}[ -]/, '').trim();
  const enhanced = /^(\d\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
  if (enhanced !== undefined) return DEAD_ADDRESS.test(enhanced);
  return (code === 550 || code === 551 || code === 553) && DEAD_ADDRESS_WORDS.test(text);
}
