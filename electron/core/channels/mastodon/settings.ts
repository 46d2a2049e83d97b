import { z } from 'zod';
import { isSecureUrl } from '../secure-url.ts';

/**
 * What "Connect a channel" asks for a Mastodon account: the instance's
 * address. The access token is a secret (`channel.<target id>.access_token`),
 * never a setting. Visibility (public) and language (en) are fixed by the
 * adapter, not chosen per channel.
 */

export const MastodonSettings = z.object({
  instanceUrl: z
    .string()
    .trim()
    .refine(
      (value) => isSecureUrl(value),
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
