import { z } from 'zod';
import { ChannelError } from '../adapter.ts';
import { classifyFetchError, classifyHttpStatus, retryAfterMs } from '../http-errors.ts';

/**
 * Every WordPress failure is classified here, from the real answers: the
 * REST API's `{"code", "message", "data": {"status", "params"}}` bodies, the
 * status code and `Retry-After`. Messages are plain English for the timeline.
 */

export const WORDPRESS = 'WordPress';

const Detail = z.object({
  code: z.string(),
  message: z.string().default(''),
  data: z.object({ status: z.number().optional() }).loose().nullable().optional(),
});

const ErrorBody = z.object({
  code: z.string(),
  message: z.string().default(''),
  data: z
    .object({
      status: z.number().optional(),
      params: z.record(z.string(), z.string()).optional(),
      /** Per parameter, the error behind a `rest_invalid_param` (e.g. `rest_forbidden_status` with its own status). */
      details: z.record(z.string(), z.unknown()).optional(),
    })
    .loose()
    .nullable()
    .optional(),
});
export type WordPressErrorBody = z.infer<typeof ErrorBody>;

/** WordPress's error body, or null when the answer was something else (a proxy's page, PHP's fatal error). */
export async function errorBodyOf(response: Response): Promise<{ body: WordPressErrorBody | null; text: string }> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return { body: parsed.data, text };
  } catch {
    // Not JSON: fall through with the raw text.
  }
  return { body: null, text: plain(text) };
}

/** Text without tags, on one line: WordPress's own messages (wp_die) and error pages carry HTML. */
function plain(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** The first parameter detail that is really a refusal of the account (HTTP 401 or 403), if any. */
function forbiddenDetail(body: WordPressErrorBody | null): z.infer<typeof Detail> | undefined {
  if (body?.code !== 'rest_invalid_param') return undefined;
  for (const value of Object.values(body.data?.details ?? {})) {
    const detail = Detail.safeParse(value);
    const status = detail.success ? detail.data.data?.status : undefined;
    if (detail.success && (status === 401 || status === 403)) return detail.data;
  }
  return undefined;
}

/** Codes that mean the credentials, or what the account may do, are wrong: a person must reconnect. */
const AUTH_CODES = new Set([
  'incorrect_password',
  'invalid_username',
  'invalid_email',
  'rest_not_logged_in',
  'rest_cannot_create',
  'rest_cannot_publish',
  'rest_cannot_edit',
  'rest_cannot_delete',
  'rest_cannot_assign_term',
  'rest_cannot_view',
  'rest_forbidden',
  'rest_forbidden_context',
  'application_passwords_disabled',
  'application_passwords_disabled_for_user',
]);

/** Where a refused REST parameter lives in Town Crier: the channel's settings, or the update itself. */
const FIELD_OF_PARAM: Record<string, string> = {
  status: 'settings.status',
  categories: 'settings.categories',
  tags: 'settings.tags',
  title: 'title',
  excerpt: 'summary',
  content: 'body',
  alt_text: 'body',
  featured_media: 'body',
};

function fieldOf(param: string): string {
  return FIELD_OF_PARAM[param] ?? param;
}

/**
 * Classifies a WordPress answer that was not a success. 401/403 and the
 * credential or capability codes → reconnect (`auth`); 400
 * `rest_invalid_param` → `rejected`, naming the field; 404 `rest_no_route` →
 * `rejected` (not a WordPress REST API there); 429 → wait for `Retry-After`;
 * 5xx → try again. `action` says what was being done ("create the post").
 */
export async function wordpressHttpError(response: Response, action: string, nowMs: number): Promise<ChannelError> {
  const { body, text } = await errorBodyOf(response);
  // WordPress answers a parameter the account may not use (statuses other than "publish" when the password
  // was not accepted, or the role is too low) as 400 rest_invalid_param; the detail carries the real 401/403.
  const forbidden = forbiddenDetail(body);
  const status = forbidden?.data?.status ?? response.status;
  const code = forbidden?.code ?? body?.code ?? '';
  const reason = (forbidden ? plain(forbidden.message) : body ? plain(body.message) || code : text).replace(/\.$/, '');
  const said = `(HTTP ${status}${code ? ` ${code}` : ''}: ${reason || 'no reason given'})`;
  if (status === 429) {
    return ChannelError.retryable(
      `${WORDPRESS} is limiting how fast Town Crier may call it ${said}.`,
      retryAfterMs(response.headers, nowMs),
    );
  }
  if (status >= 500 || status === 408) {
    return ChannelError.retryable(
      `${WORDPRESS} had a problem and could not ${action} ${said}.`,
      retryAfterMs(response.headers, nowMs),
    );
  }
  // 403: signed in, but not allowed. (A 401 with the same codes means the password was not accepted at all.)
  if (status === 403 && /^rest_(cannot_(create|publish|assign_term|edit)|forbidden_status)/.test(code)) {
    return ChannelError.auth(
      `The ${WORDPRESS} account may not ${action} ${said}. Give it the Author role or higher, or reconnect the channel with another account.`,
    );
  }
  if (status === 401 || status === 403 || AUTH_CODES.has(code)) {
    return ChannelError.auth(
      `${WORDPRESS} refused the username or application password ${said}. Reconnect the channel with a new application password.`,
    );
  }
  if (code === 'rest_invalid_param' || code === 'rest_missing_callback_param') {
    const params = body?.data?.params ?? {};
    const [param, problem] = Object.entries(params)[0] ?? [];
    if (param !== undefined) {
      return ChannelError.rejected(
        `${WORDPRESS} refused the post: "${param}" is not valid (${problem ?? reason}).`,
        fieldOf(param),
      );
    }
    return ChannelError.rejected(`${WORDPRESS} refused the post ${said}.`);
  }
  if (code === 'rest_no_route' || (status === 404 && !body)) {
    return ChannelError.rejected(
      `There is no ${WORDPRESS} REST API at this site address ${said}. Check the address, and that the site has "Post name" permalinks.`,
      'settings.siteUrl',
    );
  }
  if (code === 'rest_upload_file_too_big' || code === 'rest_upload_limited_space' || status === 413) {
    return ChannelError.rejected(`${WORDPRESS} refused an image as too large ${said}.`, 'body');
  }
  return classifyHttpStatus(status, response.headers, `${code ? `${code}: ` : ''}${reason}`, WORDPRESS, nowMs);
}

/**
 * Classifies a failed `fetch`. Connection refused or no network: offline.
 * A timeout or a dropped connection: an unknown outcome when the request
 * could have made a public post (`creates`), otherwise (a read, an image
 * upload that nobody sees until a post uses it) simply worth another try.
 */
export function wordpressFetchError(error: unknown, creates: boolean): ChannelError {
  const classified = classifyFetchError(error, WORDPRESS);
  if (creates || classified.failure.kind !== 'unknown_outcome') return classified;
  return ChannelError.retryable(
    `${WORDPRESS} did not answer in time or the connection broke. No post was made yet.`,
    undefined,
    { cause: error },
  );
}
