import { z } from 'zod';
import { readJsonAnswer } from '../http-errors.ts';
import { ChannelError, type ChannelContext } from '../adapter.ts';
import { WORDPRESS, wordpressFetchError, wordpressHttpError } from './errors.ts';
import { APP_PASSWORD_SECRET, type WordPressSettings } from './settings.ts';

/**
 * The few WordPress REST API calls Town Crier makes (`/wp-json/wp/v2/…`),
 * over the context's `fetch` with Basic auth from an application password.
 * Every answer body is read through zod; every failure goes through errors.ts.
 */

export const User = z.object({
  id: z.number(),
  username: z.string().optional(),
  name: z.string(),
  capabilities: z.record(z.string(), z.boolean()).optional(),
});

export const Media = z.object({ id: z.number(), source_url: z.string() });

export const Post = z.object({
  id: z.number(),
  link: z.string(),
  status: z.string(),
  /** The post's slug, and (context=edit) its address pattern: a scheduled post's `link` is only `?p=<id>`. */
  slug: z.string().optional(),
  permalink_template: z.string().optional(),
  date_gmt: z.string().nullable().optional(),
  content: z.object({ raw: z.string().optional() }).loose().optional(),
});
export type Post = z.infer<typeof Post>;

export type WordPressCall = {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below `/wp-json/wp/v2`, with any query string. */
  path: string;
  json?: Record<string, unknown>;
  form?: FormData;
  /** True when the call can make something public (a post): a lost answer is then an unknown outcome. */
  creates: boolean;
  /** What the call does, for messages ("create the post"). */
  action: string;
};

export type WordPressContext = ChannelContext<WordPressSettings>;

/** The address of a REST route on the site. */
export function restUrl(settings: WordPressSettings, path: string): string {
  return `${settings.siteUrl}/wp-json/wp/v2${path}`;
}

/**
 * Makes one authenticated call and returns the response: a 2xx, or (when
 * `allow` lists it) one of the refusals the caller handles itself, such as
 * 410 "already in the trash". Anything else throws a classified `ChannelError`.
 */
export async function callWordPress(
  ctx: WordPressContext,
  call: WordPressCall,
  allow: readonly number[] = [],
): Promise<Response> {
  const password = await ctx.credentials(APP_PASSWORD_SECRET);
  if (!password) {
    throw ChannelError.auth(
      `No ${WORDPRESS} application password is stored for "${ctx.target.name}". Reconnect the channel with an application password.`,
    );
  }
  // WordPress shows application passwords in groups of four; it accepts them with or without the spaces.
  const basic = Buffer.from(`${ctx.settings.username}:${password}`, 'utf8').toString('base64');
  const headers = new Headers({ authorization: `Basic ${basic}`, accept: 'application/json' });
  let body: string | FormData | undefined;
  if (call.json) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(call.json);
  } else if (call.form) {
    body = call.form;
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.settings.timeoutMs)]);
  let response: Response;
  try {
    response = await ctx.fetch(restUrl(ctx.settings, call.path), {
      method: call.method,
      headers,
      signal,
      // A redirect would turn a POST into a GET (and could carry the password elsewhere): report it instead.
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
    });
  } catch (error) {
    throw wordpressFetchError(error, call.creates);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    const location = response.headers.get('location') ?? 'another address';
    throw ChannelError.rejected(
      `The ${WORDPRESS} site sent Town Crier to ${location} (HTTP ${response.status}). Change the channel's site address to the site's own address.`,
      'settings.siteUrl',
    );
  }
  if (response.ok || allow.includes(response.status)) return response;
  throw await wordpressHttpError(response, call.action, ctx.now().getTime());
}

/** Reads a success body through `schema` (see `readJsonAnswer`). */
export function readAnswer<T>(response: Response, schema: z.ZodType<T>, creates: boolean): Promise<T> {
  return readJsonAnswer(response, schema, creates, WORDPRESS);
}
