import { XRPCError } from '@atproto/api';
import { ChannelError } from '../adapter.ts';
import { classifyFetchError } from '../http-errors.ts';

/**
 * Every Bluesky failure is classified here, from what the PDS really sends:
 * XRPC error bodies `{"error": "ExpiredToken", "message": "Token has
 * expired"}`, their HTTP status, and the `ratelimit-*` headers (the reset
 * is a Unix time in seconds). Messages are plain English for the timeline.
 */

export const BLUESKY = 'Bluesky';

/** The XRPC error names that mean the session or the app password is no good. */
const AUTH_ERRORS = new Set([
  'AuthenticationRequired',
  'ExpiredToken',
  'InvalidToken',
  'AuthMissing',
  'AccountTakedown',
  'AccountDeactivated',
]);

/** @atproto/xrpc's ResponseType for "no answer" and "an answer that is not what the lexicon says". */
const UNKNOWN = 1;
const INVALID_RESPONSE = 2;

/** Where a call stood: `creates` when it could have made a post public (a lost answer is then an unknown outcome). */
export type CallKind = { creates: boolean; signIn?: boolean };

/** The wait a 429 asked for: `ratelimit-reset` is a Unix time in seconds on Bluesky. */
export function rateLimitWaitMs(
  headers: Record<string, string | undefined> | undefined,
  nowMs: number,
): number | undefined {
  const reset = headers?.['ratelimit-reset']?.trim();
  if (!reset || !/^\d+$/.test(reset)) return undefined;
  return Math.max(0, Number(reset) * 1000 - nowMs);
}

function said(error: XRPCError): string {
  const name = error.error && error.error !== 'Unknown' ? error.error : '';
  const message = error.message && error.message !== name ? error.message : '';
  return [name, message].filter(Boolean).join(': ').slice(0, 300);
}

/** True when the PDS refused the session or the password (the caller may sign in again once). */
export function isAuthFailure(error: unknown): boolean {
  if (error instanceof ChannelError) return error.failure.kind === 'auth';
  return error instanceof XRPCError && (error.status === 401 || AUTH_ERRORS.has(error.error ?? ''));
}

/** True when the PDS answered with a server error (5xx), which a duplicate record key also causes. */
export function isServerError(error: unknown): boolean {
  return error instanceof XRPCError && error.status >= 500;
}

/** True when getRecord said the record does not exist. */
export function isRecordNotFound(error: unknown): boolean {
  return (
    error instanceof XRPCError && (error.error === 'RecordNotFound' || /could not locate record/i.test(error.message))
  );
}

/**
 * Turns anything a Bluesky call threw into the queue's classes:
 * auth errors → `auth` (reconnect); 429 → wait until `ratelimit-reset`;
 * 5xx → try again; 400 InvalidRequest and other 4xx → `rejected` with the
 * PDS's reason; refused connections → offline; a timeout or a dropped
 * connection → unknown outcome when the call could have posted, otherwise
 * worth another try.
 */
export function classifyBlueskyError(error: unknown, call: CallKind, nowMs: number): ChannelError {
  if (error instanceof ChannelError) return error;
  if (!(error instanceof XRPCError)) return fetchFailure(error, call);
  const reason = said(error);
  if (error.status === UNKNOWN || error.status === INVALID_RESPONSE) {
    // "Unknown": no HTTP answer at all (the cause is fetch's own error). "InvalidResponse": a body that broke the lexicon.
    if (error.status === INVALID_RESPONSE) {
      return call.creates
        ? ChannelError.unknownOutcome(`${BLUESKY} accepted the post but its answer could not be read.`, {
            cause: error,
          })
        : ChannelError.retryable(`${BLUESKY} sent an answer Town Crier could not read.`, undefined, { cause: error });
    }
    return fetchFailure(error.cause ?? error, call);
  }
  if (isAuthFailure(error)) {
    const what = call.signIn
      ? `${BLUESKY} refused the handle and app password (${reason || `HTTP ${error.status}`}).`
      : `${BLUESKY} refused the saved session (${reason || `HTTP ${error.status}`}) and signing in again did not work.`;
    return ChannelError.auth(
      `${what} Create a new app password in Bluesky (Settings → Privacy and security → App passwords) and reconnect the channel.`,
      { cause: error },
    );
  }
  if (error.status === 429) {
    const wait = rateLimitWaitMs(error.headers, nowMs);
    const until =
      error.headers?.['ratelimit-reset'] && wait !== undefined
        ? ` It lifts at ${new Date(nowMs + wait).toISOString()}.`
        : '';
    return ChannelError.retryable(`${BLUESKY} is limiting how fast this account can post (${reason}).${until}`, wait, {
      cause: error,
    });
  }
  if (error.status >= 500) {
    return ChannelError.retryable(
      `${BLUESKY} had a problem (HTTP ${error.status}${reason ? `: ${reason}` : ''}).`,
      undefined,
      {
        cause: error,
      },
    );
  }
  if (error.status === 413) {
    return ChannelError.rejected(`${BLUESKY} refused a file as too large (${reason}).`, 'body', { cause: error });
  }
  return ChannelError.rejected(
    `${BLUESKY} refused the post (HTTP ${error.status}: ${reason || 'invalid request'}).`,
    undefined,
    {
      cause: error,
    },
  );
}

function fetchFailure(error: unknown, call: CallKind): ChannelError {
  const classified = classifyFetchError(error, BLUESKY);
  if (call.creates || classified.failure.kind !== 'unknown_outcome') return classified;
  return ChannelError.retryable(
    `${BLUESKY} did not answer in time or the connection broke. Nothing was posted by that request.`,
    undefined,
    { cause: error },
  );
}
