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

/** A category as a person wrote it: a WordPress id ("12") or a name ("Roads and transport"). */
export type CategoryRef = { id: number } | { name: string };

const TAG_NAME = /^[\p{L}\p{N}][\p{L}\p{N} &'-]*$/u;

function categoryRef(text: string): CategoryRef {
  return /^\d+$/.test(text) ? { id: Number(text) } : { name: text };
}

/** The first thing wrong with a category map's text, or null. */
function categoryMapProblem(text: string): string | null {
  for (const entry of text.split(';')) {
    if (entry.trim() === '') continue;
    const [tag = '', category = '', ...rest] = entry.split('=').map((part) => part.trim());
    if (rest.length > 0 || !entry.includes('=')) {
      return `"${entry.trim()}" should read "tag = category", like "roads = Roads and transport"`;
    }
    if (!TAG_NAME.test(tag) || [...tag].length > 40) return `"${tag}" is not a tag (letters, digits, spaces, & ' -)`;
    if (category === '' || category === '0') return `Give a category name or id for the tag "${tag}"`;
  }
  return null;
}

/**
 * Pure: the category map's text as tag (lower case) → category. Entries are
 * separated by ";", each "tag = category name or id"; the settings schema has
 * already refused anything else.
 */
export function categoryMapOf(text: string): Map<string, CategoryRef> {
  const map = new Map<string, CategoryRef>();
  for (const entry of text.split(';')) {
    const [tag = '', category = ''] = entry.split('=').map((part) => part.trim());
    if (tag && category) map.set(tag.toLocaleLowerCase('en-GB'), categoryRef(category));
  }
  return map;
}

/** Pure: the default category setting as a reference, or undefined when it is empty. */
export function defaultCategoryOf(text: string): CategoryRef | undefined {
  return text.trim() === '' ? undefined : categoryRef(text.trim());
}

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
  /** Each of the update's own tags becomes a WordPress tag of the post (found by name, made when missing). */
  tagsFromUpdate: z
    .boolean()
    .default(true)
    .meta({ title: 'Tag posts with the update’s tags' })
    .describe('Each of the update’s tags becomes a WordPress tag; a missing one is made'),
  /**
   * Which category a post goes in for each of the update's tags, as text
   * ("roads = Roads and transport; bins = 12"): a category name or id per
   * tag. Kept as text, so "Connect a channel" offers it as one input.
   */
  categoryMap: z
    .string()
    .trim()
    .max(4000)
    .default('')
    .superRefine((value, ctx) => {
      const problem = categoryMapProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ title: 'Categories for tags' })
    .describe('For example: roads = Roads and transport; bins = Bins and recycling (a category name or id per tag)'),
  /** The category (a name or id) of a post none of whose tags has one; empty: WordPress's own default. */
  defaultCategory: z
    .string()
    .trim()
    .max(200)
    .default('')
    .meta({ title: 'Default category' })
    .describe('The category when none of the update’s tags has one (a name or id); empty: WordPress’s default'),
  /** Make a mapped category that WordPress does not have yet. WordPress lets only Editors and Administrators. */
  createCategories: z
    .boolean()
    .default(false)
    .meta({ title: 'Make missing categories' })
    .describe('Make a category that does not exist yet (the account needs the Editor role or higher)'),
  /**
   * A publication scheduled for later is sent to WordPress as soon as it is
   * approved, as a `future` post that WordPress itself makes public at the
   * time. Off: the post is made at the time, like every other channel.
   */
  scheduleInWordPress: z
    .boolean()
    .default(false)
    .meta({ title: 'Let WordPress publish it at the scheduled time' })
    .describe('Scheduled updates go to WordPress as soon as they are approved, as scheduled posts'),
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
