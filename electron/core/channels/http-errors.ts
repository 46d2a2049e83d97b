import type { z } from 'zod';
import { ChannelError } from './adapter.ts';

/**
 * Classification helpers for adapters that speak HTTP. An adapter still
 * decides what its platform's bodies mean; these cover what HTTP itself says.
 */

/** Connection errors that mean the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Classifies an error thrown by `fetch`. A request that never left (no
 * network, refused) is `offline`: safe to send again. Anything after the
 * request may have left (a timeout, a dropped connection) is an unknown
 * outcome, because the platform may have published it.
 */
export function classifyFetchError(error: unknown, channel: string): ChannelError {
  if (error instanceof ChannelError) return error;
  const code = causeCode(error);
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return ChannelError.offline(`Could not reach ${channel} (${code}). Nothing was sent.`, { cause: error });
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return ChannelError.unknownOutcome(
      `${channel} did not answer in time, so it is not known whether the update went out.`,
      { cause: error },
    );
  }
  return ChannelError.unknownOutcome(
    `The connection to ${channel} broke${code ? ` (${code})` : ''} after the update was sent, so it is not known whether it went out.`,
    { cause: error },
  );
}

/**
 * Milliseconds the server asked us to wait: `Retry-After` (seconds or an HTTP
 * date), or a rate-limit reset (`RateLimit-Reset` in seconds from now,
 * `X-RateLimit-Reset` as a Unix time in seconds, or an ISO time as Mastodon sends it). Undefined when it said nothing.
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Number(reset) * 1000;
  const unixReset = headers.get('x-ratelimit-reset')?.trim();
  if (unixReset && /^\d+$/.test(unixReset)) {
    const value = Number(unixReset);
    // Some platforms send seconds from now here too; a small number cannot be a Unix time.
    return value > 1_000_000_000 ? Math.max(0, value * 1000 - nowMs) : value * 1000;
  }
  // Mastodon sends the reset as an ISO 8601 time ("2026-07-06T09:05:00.000Z").
  const isoReset = unixReset ? Date.parse(unixReset) : Number.NaN;
  if (unixReset && /^\d{4}-\d{2}-\d{2}T/.test(unixReset) && !Number.isNaN(isoReset)) {
    return Math.max(0, isoReset - nowMs);
  }
  return undefined;
}

/**
 * Classifies an HTTP answer that was not a success: 401/403 need a person to
 * reconnect, 408/425/429/5xx are worth another try (after what the server
 * asked for), any other 4xx is a permanent rejection with the server's reason.
 */
export function classifyHttpStatus(
  status: number,
  headers: Headers,
  reason: string,
  channel: string,
  nowMs: number,
): ChannelError {
  const detail = reason.trim().slice(0, 300);
  const said = detail ? `: ${detail}` : '';
  if (status === 401 || status === 403) {
    return ChannelError.auth(`${channel} refused the credentials (HTTP ${status})${said}.`);
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const what = status === 429 ? 'is limiting how fast we send' : `had a problem (HTTP ${status})`;
    return ChannelError.retryable(`${channel} ${what}${said}.`, retryAfterMs(headers, nowMs));
  }
  return ChannelError.rejected(`${channel} refused the update (HTTP ${status})${said}.`);
}

/**
 * Reads a JSON success body through `schema`. A body that cannot be read
 * after a call that creates something is an unknown outcome (it probably went
 * out); after anything else it is worth another try.
 */
export async function readJsonAnswer<T>(
  response: Response,
  schema: z.ZodType<T>,
  creates: boolean,
  channel: string,
): Promise<T> {
  let raw: unknown;
  try {
    raw = await response.json();
  } catch (error) {
    throw unreadableAnswer(channel, creates, error);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw unreadableAnswer(channel, creates, parsed.error);
  return parsed.data;
}

function unreadableAnswer(channel: string, creates: boolean, cause: unknown): ChannelError {
  return creates
    ? ChannelError.unknownOutcome(`${channel} accepted the post but its answer could not be read.`, { cause })
    : ChannelError.retryable(`${channel} sent an answer Town Crier could not read.`, undefined, { cause });
}
