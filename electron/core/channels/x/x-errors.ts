import type { IncomingHttpHeaders } from 'node:http';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { z } from 'zod';
import { ChannelError } from '../adapter.ts';
import { classifyFetchError } from '../http-errors.ts';

/**
 * The one place X's failures are classified. The bodies are X's real shapes:
 * v2 problems (`{title, detail, type, status}`, sometimes with `errors`) and
 * v1.1 errors (`{errors: [{code, message}]}`).
 */

const CHANNEL = 'X';

export const X_DUPLICATE_MESSAGE = 'X refused this as a duplicate of a recent post';

const XProblem = z
  .object({
    title: z.string().optional(),
    detail: z.string().optional(),
    errors: z
      .array(
        z
          .object({ code: z.number().optional(), message: z.string().optional(), detail: z.string().optional() })
          .loose(),
      )
      .optional(),
  })
  .loose();

/** v1.1 code 187 and the v2 detail both mean "the same text as a recent post of this account". */
const DUPLICATE_CODE = 187;
/** v1.1 code 89 / "Invalid or expired token": the access token was revoked or regenerated. */
const EXPIRED_TOKEN_CODE = 89;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** X's own words for a refusal, first from the specific errors, then the problem's detail. */
function reasonOf(data: unknown): { reason: string; codes: number[] } {
  const parsed = XProblem.safeParse(data);
  if (!parsed.success) return { reason: typeof data === 'string' ? data.slice(0, 300) : '', codes: [] };
  const first = parsed.data.errors?.[0];
  const reason = first?.message ?? first?.detail ?? parsed.data.detail ?? parsed.data.title ?? '';
  const codes = (parsed.data.errors ?? []).flatMap((e) => (e.code === undefined ? [] : [e.code]));
  return { reason: reason.trim().slice(0, 300), codes };
}

/** How long X asked us to wait: `x-rate-limit-reset` is a Unix time in seconds. */
function resetWaitMs(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const reset = header(headers, 'x-rate-limit-reset')?.trim();
  if (!reset || !/^\d+$/.test(reset)) return undefined;
  return Math.max(0, Number(reset) * 1000 - nowMs);
}

/** Classifies an answer X gave (any non-2xx). */
function classifyResponse(error: ApiResponseError, nowMs: number): ChannelError {
  const status = error.code;
  const { reason, codes } = reasonOf(error.data);
  const said = reason ? `: ${reason}` : '';
  const detail = XProblem.safeParse(error.data).data?.detail ?? '';
  if (status === 429) {
    return ChannelError.retryable(
      `X is limiting how fast this account posts${said}.`,
      resetWaitMs(error.headers, nowMs),
      {
        cause: error,
      },
    );
  }
  if (status === 401 || codes.includes(EXPIRED_TOKEN_CODE) || /invalid or expired token/i.test(reason)) {
    return ChannelError.auth(
      `X refused the saved keys (HTTP ${status}${said}). Reconnect the X channel with a fresh access token and secret.`,
      { cause: error },
    );
  }
  if (codes.includes(DUPLICATE_CODE) || /duplicate content/i.test(`${detail} ${reason}`)) {
    return ChannelError.rejected(`${X_DUPLICATE_MESSAGE}.`, 'body', { cause: error });
  }
  if (status >= 500) {
    return ChannelError.retryable(`X had a problem (HTTP ${status})${said}.`, undefined, { cause: error });
  }
  return ChannelError.rejected(`X refused this post (HTTP ${status})${said}.`, undefined, { cause: error });
}

/**
 * The socket error inside an ApiRequestError. twitter-api-v2 1.29 stores it
 * as `_options.error` while its `requestError` getter reads another key, so
 * both are tried.
 */
function requestErrorOf(error: ApiRequestError): unknown {
  const stored: unknown = Object.getOwnPropertyDescriptor(error, '_options')?.value;
  const fromOptions = stored && typeof stored === 'object' ? (stored as { error?: unknown }).error : undefined;
  return (error.requestError as unknown) ?? fromOptions;
}

/**
 * Turns anything the X client threw into the queue's classes. A request that
 * never left is offline; an answer that never came (a timeout, a connection
 * dropped after sending) is an unknown outcome, because X may have posted it.
 */
export function classifyXError(error: unknown, nowMs: number): ChannelError {
  if (error instanceof ChannelError) return error;
  if (error instanceof ApiResponseError) return classifyResponse(error, nowMs);
  if (error instanceof ApiPartialResponseError) {
    return ChannelError.unknownOutcome(
      'The connection to X broke while it was answering, so it is not known whether the post went out.',
      { cause: error },
    );
  }
  if (error instanceof ApiRequestError) {
    const cause = requestErrorOf(error);
    if (cause instanceof Error && cause.message === 'Request timeout.') {
      return ChannelError.unknownOutcome('X did not answer in time, so it is not known whether the post went out.', {
        cause: error,
      });
    }
    return classifyFetchError(cause, CHANNEL);
  }
  return classifyFetchError(error, CHANNEL);
}
