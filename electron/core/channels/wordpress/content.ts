import { escapeHtml } from '../../../../shared/content/render.ts';

/**
 * The post content WordPress gets: the website article exactly as the
 * preview rendered it, less its `<h1>` (a WordPress theme prints the post's
 * title as the page heading, and two would be one too many), with the
 * delivery's idempotency key in a `data-` attribute of the `<article>`.
 * WordPress keeps `data-*` attributes for every role (since 5.0), so the key
 * survives and a look-up can find the post by it.
 */

const ARTICLE_OPEN = /^<article lang="([^"]*)">\n/;
const HEADING = /^<h1>[^\n]*<\/h1>\n/;

/** The attribute that carries the key; look-ups search for exactly this text. */
export function keyAttribute(idempotencyKey: string): string {
  return `data-town-crier-key="${escapeHtml(idempotencyKey)}"`;
}

/** Pure: the article HTML as WordPress post content, tagged with the delivery's key. */
export function wordpressContent(articleHtml: string, idempotencyKey: string): string {
  const open = ARTICLE_OPEN.exec(articleHtml);
  if (!open) return `<div ${keyAttribute(idempotencyKey)}>\n${articleHtml}\n</div>`;
  const rest = articleHtml.slice(open[0].length).replace(HEADING, '');
  return `<article lang="${open[1] ?? 'en-GB'}" ${keyAttribute(idempotencyKey)}>\n${rest}`;
}

/** True when a post's raw content carries this delivery's key (a search match alone could be a near miss). */
export function hasKey(rawContent: string | undefined, idempotencyKey: string): boolean {
  return rawContent?.includes(keyAttribute(idempotencyKey)) ?? false;
}
