import { z } from 'zod';

/**
 * What "Connect a channel" asks for a Mastodon account: the instance's
 * address. The access token is a secret (`channel.<target id>.access_token`),
 * never a setting. Visibility (public) and language (en) are fixed by the
 * adapter, not chosen per channel.
 */

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https anywhere; plain http only for a server on this machine (a test instance). */
function isInstanceUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.search || url.hash || url.username || url.password) return false;
  if (url.pathname !== '/' && url.pathname !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
}

export const MastodonSettings = z.object({
  instanceUrl: z
    .string()
    .trim()
    .refine(
      isInstanceUrl,
      'The instance address must be like https://mastodon.social (http:// only for localhost), with no path',
    )
    // One form only, so every API address is built the same way.
    .transform((value) => value.replace(/\/+$/, '')),
  /** How long one request may take before its outcome counts as unknown. */
  timeoutMs: z.number().int().min(100).max(120_000).default(30_000),
});
export type MastodonSettings = z.infer<typeof MastodonSettings>;

/** The secret that holds the account's access token (scopes `read:accounts write:statuses write:media`). */
export const ACCESS_TOKEN_SECRET = 'access_token';

/** What "Connect a channel" asks for: the application's access token. */
export const MASTODON_SECRETS = [
  {
    name: ACCESS_TOKEN_SECRET,
    label: 'Access token',
    hint: 'On your Mastodon server: Preferences → Development → New application (scopes read:accounts, write:statuses, write:media), then copy "Your access token".',
    maxLength: 500,
  },
] as const;
