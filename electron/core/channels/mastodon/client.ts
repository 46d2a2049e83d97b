import { z } from 'zod';
import { readJsonAnswer } from '../http-errors.ts';
import { ChannelError, type ChannelContext } from '../adapter.ts';
import { MASTODON, mastodonFetchError, mastodonHttpError } from './errors.ts';
import { ACCESS_TOKEN_SECRET, type MastodonSettings } from './settings.ts';

/**
 * The few Mastodon REST calls Town Crier makes, over the context's `fetch`
 * (no client library: five endpoints do not need one). Every answer body is
 * read through zod; every failure goes through errors.ts.
 */

export const Account = z.object({ id: z.string(), username: z.string(), acct: z.string() });

export const Instance = z.object({
  domain: z.string().optional(),
  configuration: z.object({
    statuses: z.object({
      max_characters: z.number().int().positive(),
      max_media_attachments: z.number().int().positive().optional(),
    }),
    media_attachments: z.object({ description_limit: z.number().int().positive().optional() }).optional(),
  }),
});

export const MediaAttachment = z.object({ id: z.string(), url: z.string().nullable().optional() });

export const Status = z.object({ id: z.string(), uri: z.string(), url: z.string().nullable().optional() });
export type Status = z.infer<typeof Status>;

export type MastodonCall = {
  method: 'GET' | 'POST';
  path: string;
  json?: Record<string, unknown>;
  form?: FormData;
  idempotencyKey?: string;
  /** True when the call can make something public (a status): a lost answer is then an unknown outcome. */
  creates: boolean;
};

export type MastodonContext = ChannelContext<MastodonSettings>;

/** Makes one authenticated call and returns the (2xx) response, or throws a classified `ChannelError`. */
export async function callMastodon(ctx: MastodonContext, call: MastodonCall): Promise<Response> {
  const token = await ctx.credentials(ACCESS_TOKEN_SECRET);
  if (!token) {
    throw ChannelError.auth(
      `No ${MASTODON} access token is stored for "${ctx.target.name}". Reconnect the channel with an access token.`,
    );
  }
  const headers = new Headers({ authorization: `Bearer ${token}`, accept: 'application/json' });
  if (call.idempotencyKey) headers.set('idempotency-key', call.idempotencyKey);
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
    response = await ctx.fetch(`${ctx.settings.instanceUrl}${call.path}`, {
      method: call.method,
      headers,
      signal,
      redirect: 'error',
      ...(body === undefined ? {} : { body }),
    });
  } catch (error) {
    throw mastodonFetchError(error, call.creates);
  }
  if (!response.ok) throw await mastodonHttpError(response, ctx.now().getTime());
  return response;
}

/** Reads a success body through `schema` (see `readJsonAnswer`). */
export function readAnswer<T>(response: Response, schema: z.ZodType<T>, creates: boolean): Promise<T> {
  return readJsonAnswer(response, schema, creates, MASTODON);
}

/** `@name@instance`, the way people write a Mastodon account. */
export function accountHandle(acct: string, instanceUrl: string): string {
  return acct.includes('@') ? `@${acct}` : `@${acct}@${new URL(instanceUrl).host}`;
}
