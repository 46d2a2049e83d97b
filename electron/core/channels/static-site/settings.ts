import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { isSecureUrl } from '../secure-url.ts';

/**
 * What "Connect a channel" asks for a static site: the folder to write into
 * and the address where a web server serves that folder. No secrets: the
 * adapter only writes files.
 */

export const StaticSiteSettings = z.object({
  folder: z
    .string()
    .min(1, 'Choose the folder the site is written to')
    .refine((value) => isAbsolute(value), 'The folder must be a full path (for example /srv/www/news)')
    .refine((value) => !value.includes('\0'), 'The folder path contains a character that is not allowed'),
  siteUrl: z
    .string()
    .refine(
      (value) => isSecureUrl(value, { allowPath: true }),
      'The site address must start with https:// (http:// only for localhost), without ? or #',
    )
    // One form only, so every page and feed link is built the same way.
    .transform((value) => value.replace(/\/+$/, '')),
  siteTitle: z.string().trim().min(1, 'Give the site a title').max(200),
  language: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'The language must be a code such as en-GB')
    .default('en-GB'),
});
export type StaticSiteSettings = z.infer<typeof StaticSiteSettings>;
