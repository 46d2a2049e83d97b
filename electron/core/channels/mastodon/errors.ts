import { z } from 'zod';
import { ChannelError } from '../adapter.ts';
import { classifyFetchError, classifyHttpStatus, retryAfterMs } from '../http-errors.ts';

/**
 * Every Mastodon failure is classified here, from the real answers: the
 * `{"error": "…"}` body Mastodon sends with every refusal, its status code
 * and its rate-limit headers. Messages are plain English for the timeline.
 */

export const MASTODON = 'Mastodon';

const ErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** Mastodon's reason for a refusal: the `error` of its JSON body, or the start of whatever it sent. */
export async function reasonOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { error, error_description: description } = parsed.data;
      return description ? `${error}: ${description}` : error;
    }
  } catch {
    // Not JSON (a proxy's error page, say): fall through to the raw text.
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

const TOKEN_REFUSED = /access token (is invalid|was revoked|is expired)|this action is outside the authorized scopes/i;

/** The time a rate limit lifts, for the message (Mastodon sends it as an ISO time). */
function resetNote(headers: Headers): string {
  const reset = headers.get('x-ratelimit-reset');
  return reset && !Number.isNaN(Date.parse(reset)) ? ` It lifts at ${new Date(Date.parse(reset)).toISOString()}.` : '';
}

/**
 * Classifies a Mastodon answer that was not a success. 401/403 or a refused
 * token → reconnect (`auth`); 422 → the post itself is wrong (`rejected`, with
 * Mastodon's reason, e.g. "Validation failed: Text character limit of 500
 * exceeded"); 404 (a missing post to reply to) → `rejected`; 429 → wait until
 * `X-RateLimit-Reset`; 5xx → try again.
 */
export async function mastodonHttpError(response: Response, nowMs: number): Promise<ChannelError> {
  const reason = await reasonOf(response);
  const status = response.status;
  if (status === 401 || status === 403 || TOKEN_REFUSED.test(reason)) {
    return ChannelError.auth(
      `${MASTODON} refused the access token (HTTP ${status}: ${reason || 'no reason given'}). Reconnect the channel with a new access token.`,
    );
  }
  if (status === 422) return ChannelError.rejected(`${MASTODON} refused the post: ${reason || 'validation failed'}.`);
  if (status === 404) {
    return ChannelError.rejected(
      `${MASTODON} could not find something the post needs (HTTP 404: ${reason || 'not found'}), such as the post it replies to.`,
    );
  }
  if (status === 429) {
    return ChannelError.retryable(
      `${MASTODON} is limiting how fast this account can post (${reason || 'too many requests'}).${resetNote(response.headers)}`,
      retryAfterMs(response.headers, nowMs),
    );
  }
  return classifyHttpStatus(status, response.headers, reason, MASTODON, nowMs);
}

/**
 * Classifies a failed `fetch`. Connection refused or no network: offline.
 * A timeout or a dropped connection: an unknown outcome when the request
 * could have posted something (`creates`), otherwise (a read, or a media
 * upload nobody sees until it is attached) simply worth another try.
 */
export function mastodonFetchError(error: unknown, creates: boolean): ChannelError {
  const classified = classifyFetchError(error, MASTODON);
  if (creates || classified.failure.kind !== 'unknown_outcome') return classified;
  return ChannelError.retryable(
    `${MASTODON} did not answer in time or the connection broke. Nothing was posted yet.`,
    undefined,
    { cause: error },
  );
}
