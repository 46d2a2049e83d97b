import { escapeHtml } from '../../../../shared/content/render.ts';

/**
 * The post content WordPress gets: the website article exactly as the
 * preview rendered it, less its `<h1>` (a WordPress theme prints the post's
 * title as the page heading, and two would be one too many), with the
 * update's id and the delivery's idempotency key in `data-` attributes of
 * the `<article>`. WordPress keeps `data-*` attributes for every role (since
 * 5.0), so they survive, and Town Crier can find the post again: by the
 * delivery (a send whose answer was lost) or by the update (a correction).
 */

const ARTICLE_OPEN = /^<article lang="([^"]*)">\n/;
const HEADING = /^<h1>[^\n]*<\/h1>\n/;

/** What marks a post as Town Crier's: the update it shows and the delivery that last wrote it. */
export type PostMarks = { updateId: string; idempotencyKey: string };

/** The attribute that carries the delivery's key; look-ups check for exactly this text. */
export function keyAttribute(idempotencyKey: string): string {
  return `data-town-crier-key="${escapeHtml(idempotencyKey)}"`;
}

/** The attribute that carries the update's id; a correction finds the post to change by it. */
export function updateAttribute(updateId: string): string {
  return `data-town-crier-update="${escapeHtml(updateId)}"`;
}

/** Pure: the article HTML as WordPress post content, tagged with the update and the delivery. */
export function wordpressContent(articleHtml: string, marks: PostMarks): string {
  const attributes = `${updateAttribute(marks.updateId)} ${keyAttribute(marks.idempotencyKey)}`;
  const open = ARTICLE_OPEN.exec(articleHtml);
  if (!open) return `<div ${attributes}>\n${articleHtml}\n</div>`;
  const rest = articleHtml.slice(open[0].length).replace(HEADING, '');
  return `<article lang="${open[1] ?? 'en-GB'}" ${attributes}>\n${rest}`;
}

/** True when a post's raw content carries this attribute (a search match alone could be a near miss). */
export function carries(rawContent: string | undefined, attribute: string): boolean {
  return rawContent?.includes(attribute) ?? false;
}
