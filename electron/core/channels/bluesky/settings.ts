import { z } from 'zod';
import { isSecureUrl } from '../secure-url.ts';

/**
 * What "Connect a channel" asks for a Bluesky account: the handle it signs in
 * with, and (rarely) its PDS if it is not hosted by Bluesky. The app password
 * is a secret (`channel.<target id>.app_password`), never a setting.
 */

export const BLUESKY_SERVICE_URL = 'https://bsky.social';

/** The secret that holds the account's app password (Settings → Privacy and security → App passwords). */
export const APP_PASSWORD_SECRET = 'app_password';

/** What "Connect a channel" asks for: an app password (never the account's own password). */
export const BLUESKY_SECRETS = [
  {
    name: APP_PASSWORD_SECRET,
    label: 'App password',
    hint: 'In Bluesky: Settings → Privacy and security → App passwords → Add App Password (xxxx-xxxx-xxxx-xxxx). Not the account password.',
    maxLength: 200,
  },
] as const;

/** A handle is a domain name (council.bsky.social, news.borsetshire.gov.uk); a DID works too. */
const HANDLE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DID = /^did:(plc|web):[a-z0-9._:%-]+$/;

export const BlueskySettings = z.object({
  handle: z
    .string()
    .trim()
    .transform((value) => value.replace(/^@/, '').toLowerCase())
    .refine(
      (value) => value.length <= 253 && (HANDLE.test(value) || DID.test(value)),
      'Enter the account’s handle, like borsetshire.bsky.social (without the @)',
    )
    .meta({ title: 'Handle', description: 'The account’s handle, like borsetshire.bsky.social' }),
  serviceUrl: z
    .string()
    .trim()
    .refine(
      (value) => isSecureUrl(value),
      'The server address must be like https://bsky.social (http:// only for localhost), with no path',
    )
    .transform((value) => value.replace(/\/+$/, ''))
    .default(BLUESKY_SERVICE_URL)
    .meta({
      title: 'Server address',
      description: 'Leave as https://bsky.social unless the account is hosted on its own server (PDS)',
    }),
  /** How long one request may take before its outcome counts as unknown. */
  timeoutMs: z.number().int().min(100).max(120_000).default(30_000),
});
export type BlueskySettings = z.infer<typeof BlueskySettings>;
