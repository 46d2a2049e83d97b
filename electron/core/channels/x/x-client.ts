import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { TwitterApi } from 'twitter-api-v2';
import type { z } from 'zod';
import { ChannelError, type ChannelContext } from '../adapter.ts';
import { classifyXError } from './x-errors.ts';
import type { XSettings } from './x-settings.ts';

/**
 * One X API session per call: the twitter-api-v2 client is built from the
 * target's secrets when a call starts (never at module load) and thrown away
 * after, with its own connection agent so that `ctx.signal` can cut every
 * socket it opened.
 */

/** The four OAuth 1.0a user-context secrets "Connect X" stores. */
// Lower case: secret names must be (SecretName), so `secrets.set` can store them as channel.<id>.<name>.
export const X_SECRET_NAMES = ['api_key', 'api_secret', 'access_token', 'access_secret'] as const;

/** What "Connect a channel" asks for: the app's consumer keys and the council account's access token. */
export const X_SECRETS = [
  { name: 'api_key', label: 'API key', hint: 'developer.x.com → your App → Keys and tokens → API Key and Secret.' },
  { name: 'api_secret', label: 'API key secret', hint: 'Shown beside the API key.' },
  {
    name: 'access_token',
    label: 'Access token',
    hint: 'Keys and tokens → Access Token and Secret; it must say "Read and Write".',
  },
  { name: 'access_secret', label: 'Access token secret', hint: 'Shown beside the access token.' },
] as const satisfies readonly { name: (typeof X_SECRET_NAMES)[number]; label: string; hint: string }[];

export type XApi = {
  /** GET a v2 endpoint (path after `/2/`) and validate X's answer. */
  get<T>(path: string, schema: z.ZodType<T>): Promise<T>;
  /** POST a JSON (or, with `multipart`, form-data) body to a v2 endpoint and validate X's answer. */
  post<T>(path: string, body: Record<string, unknown>, schema: z.ZodType<T>, multipart?: boolean): Promise<T>;
};

async function readSecrets(ctx: ChannelContext<XSettings>) {
  const values = await Promise.all(X_SECRET_NAMES.map((name) => ctx.credentials(name)));
  const missing = X_SECRET_NAMES.filter((_name, i) => !values[i]);
  if (missing.length > 0) {
    throw ChannelError.auth(`The X channel is missing its ${missing.join(', ')}. Reconnect the X channel.`);
  }
  const [appKey = '', appSecret = '', accessToken = '', accessSecret = ''] = values;
  return { appKey, appSecret, accessToken, accessSecret };
}

function parsed<T>(schema: z.ZodType<T>, data: unknown, path: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw ChannelError.unknownOutcome(
    `X answered ${path} in a way Town Crier could not read, so the result is not known.`,
  );
}

/** Runs `work` with a fresh client for this target; every failure comes out classified. */
export async function withXApi<T>(ctx: ChannelContext<XSettings>, work: (api: XApi) => Promise<T>): Promise<T> {
  const tokens = await readSecrets(ctx);
  const base = new URL(ctx.settings.apiBaseUrl);
  const agent = base.protocol === 'http:' ? new HttpAgent() : new HttpsAgent();
  const cut = () => agent.destroy();
  if (ctx.signal.aborted) throw ChannelError.offline('Town Crier is stopping; nothing was sent to X.');
  ctx.signal.addEventListener('abort', cut, { once: true });
  // Every call names its prefix: the client's own `cloneWithPrefix` is broken in twitter-api-v2 1.29.
  const client = new TwitterApi(tokens, { httpAgent: agent });
  const prefix = `${base.origin}/2/`;
  const timeout = ctx.settings.timeoutMs;
  const api: XApi = {
    async get(path, schema) {
      return parsed(schema, await client.get(path, undefined, { prefix, timeout }), path);
    },
    async post(path, body, schema, multipart = false) {
      const options = multipart ? { prefix, timeout, forceBodyMode: 'form-data' as const } : { prefix, timeout };
      return parsed(schema, await client.post(path, body, options), path);
    },
  };
  try {
    return await work(api);
  } catch (error) {
    throw classifyXError(error, ctx.now().getTime());
  } finally {
    ctx.signal.removeEventListener('abort', cut);
    agent.destroy();
  }
}
