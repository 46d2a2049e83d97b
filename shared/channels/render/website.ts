import { docToHtml, escapeHtml, excerptOf } from '../../content/render.ts';
import { oneLine, type RenderInput } from './input.ts';

/**
 * The website article: what the WordPress or static-site adapter publishes and
 * what the preview shows. Accessible by construction: one `<h1>` (the body
 * only has H2 and H3), the language set, and the summary as the lead paragraph.
 */

export const SLUG_MAX_LENGTH = 80;
const FALLBACK_SLUG = 'update';

export type WebsiteArticleOptions = {
  /** ISO-8601 time the article is (or will be) published; shown as a `<time>` when given. */
  publishedAt?: string;
  /** Where each image loads from (see `docToHtml`): data: URLs in the preview, uploaded URLs when publishing. */
  imageSrc?: (mediaId: string) => string;
};

export type WebsiteArticle = { title: string; html: string; excerpt: string; slug: string };

/**
 * Renders an update as a website article. Deterministic: the same input gives
 * the same bytes, so an approval of the preview is an approval of the post.
 */
export function renderWebsiteArticle(input: RenderInput, options: WebsiteArticleOptions = {}): WebsiteArticle {
  const title = oneLine(input.title);
  const summary = oneLine(input.summary);
  const parts = [`<article lang="en-GB">`, `<h1>${escapeHtml(title)}</h1>`];
  const published = options.publishedAt ? publishedLine(options.publishedAt) : '';
  if (published) parts.push(published);
  if (summary) parts.push(`<p class="summary">${escapeHtml(summary)}</p>`);
  const body = docToHtml(input.body, options.imageSrc ? { imageSrc: options.imageSrc } : {});
  if (body) parts.push(body);
  parts.push('</article>');
  return {
    title,
    html: parts.join('\n'),
    excerpt: summary || excerptOf(input.body),
    slug: slugify(title),
  };
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});

function publishedLine(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `<p class="published">Published <time datetime="${escapeHtml(date.toISOString())}">${DATE_FORMAT.format(date)}</time></p>`;
}

/**
 * A URL slug from a title: ASCII letters and digits joined by single hyphens,
 * accents folded ("Café" → "cafe"), at most 80 characters and cut at a
 * hyphen. Never empty, and never able to contain "/" or "..", so it is safe
 * as a path segment or a file name.
 */
export function slugify(title: string, max = SLUG_MAX_LENGTH): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (ascii.length <= max) return ascii || FALLBACK_SLUG;
  const cut = ascii.slice(0, max + 1);
  const hyphen = cut.lastIndexOf('-');
  const slug = (hyphen > max / 2 ? cut.slice(0, hyphen) : ascii.slice(0, max)).replace(/-+$/, '');
  return slug || FALLBACK_SLUG;
}
