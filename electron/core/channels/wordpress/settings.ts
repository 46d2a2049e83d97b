import { z } from 'zod';
import { isSecureUrl } from '../secure-url.ts';

/**
 * What "Connect a channel" asks for a WordPress site: its address, the account
 * that posts, and how posts go out. The account's application password is a
 * secret (`channel.<target id>.app_password`), never a setting.
 */

const TermIds = z
  .array(z.number().int().positive('A category or tag id is a whole number above 0'))
  .max(50)
  .default([]);

export const WordPressSettings = z.object({
  siteUrl: z
    .string()
    .trim()
    .refine(
      (value) => isSecureUrl(value, { allowPath: true }),
      'The site address must start with https:// (http:// only for localhost), like https://www.borsetshire.gov.uk',
    )
    // One form only, so every API address is built the same way (a site in a sub-folder keeps its path).
    .transform((value) => value.replace(/\/+$/, ''))
    .describe('The WordPress site’s address, for example https://www.borsetshire.gov.uk'),
  username: z
    .string()
    .trim()
    .min(1, 'Give the WordPress username that posts')
    .max(60)
    .describe('The WordPress account that posts (its role must be Author or higher)'),
  /** `publish` makes the post public at once; `draft` leaves it for someone to publish in WordPress. */
  status: z
    .enum(['publish', 'draft'])
    .default('publish')
    .describe('publish: public at once; draft: someone publishes it in WordPress'),
  /** Category ids every post gets (WordPress → Posts → Categories, the id in the edit link). */
  categories: TermIds,
  /** Tag ids every post gets. */
  tags: TermIds,
  /**
   * Where the other channels of a publication link when its WordPress delivery
   * is cancelled (no article will exist): the council's news page, say. Without
   * it they go without a link. The queue reads this setting by name.
   */
  fallbackUrl: z
    .string()
    .trim()
    .refine(
      (value) => isSecureUrl(value, { allowPath: true, allowQuery: true }),
      'The fallback address must start with https:// (http:// only for localhost)',
    )
    .describe('Where social posts and emails link if the website post is cancelled, such as the news page')
    .optional(),
  /** How long one request may take before its outcome counts as unknown. */
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(30_000)
    .describe('How long one request to WordPress may take, in milliseconds'),
});
export type WordPressSettings = z.infer<typeof WordPressSettings>;

/** The secret that holds the account's application password (Users → Profile → Application Passwords). */
export const APP_PASSWORD_SECRET = 'app_password';

/** What "Connect a channel" asks for: the account's application password. */
export const WORDPRESS_SECRETS = [
  {
    name: APP_PASSWORD_SECRET,
    label: 'Application password',
    hint: 'In WordPress, signed in as that account: Users → Profile → Application Passwords → Add New Application Password.',
    maxLength: 200,
  },
] as const;
