import type { BlockNode, Doc, InlineNode, ListItemNode, Mark } from './doc.ts';

/**
 * Pure renderers of a body. The website, the email and the previews all use
 * these, so what a person reviews is exactly what is sent.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function renderMarks(text: string, marks: Mark[] | undefined): string {
  let html = escapeHtml(text);
  // Order is fixed so that the same body always renders to the same bytes (content hashes rely on it).
  const sorted = [...(marks ?? [])].sort((a, b) => MARK_ORDER[a.type] - MARK_ORDER[b.type]);
  for (const mark of sorted.reverse()) {
    if (mark.type === 'bold') html = `<strong>${html}</strong>`;
    else if (mark.type === 'italic') html = `<em>${html}</em>`;
    else html = `<a href="${escapeHtml(mark.attrs.href)}">${html}</a>`;
  }
  return html;
}
const MARK_ORDER: Record<Mark['type'], number> = { link: 0, bold: 1, italic: 2 };

function renderInline(nodes: InlineNode[] | undefined): string {
  return (nodes ?? []).map((n) => (n.type === 'text' ? renderMarks(n.text, n.marks) : '<br>')).join('');
}

function renderBlock(block: BlockNode): string {
  switch (block.type) {
    case 'paragraph':
      return `<p>${renderInline(block.content)}</p>`;
    case 'heading':
      return `<h${block.attrs.level}>${renderInline(block.content)}</h${block.attrs.level}>`;
    case 'bulletList':
      return `<ul>${block.content.map(renderItem).join('')}</ul>`;
    case 'orderedList': {
      const start = block.attrs && block.attrs.start !== 1 ? ` start="${block.attrs.start}"` : '';
      return `<ol${start}>${block.content.map(renderItem).join('')}</ol>`;
    }
    case 'blockquote':
      return `<blockquote>${block.content.map(renderBlock).join('')}</blockquote>`;
  }
}

function renderItem(item: ListItemNode): string {
  return `<li>${item.content.map(renderBlock).join('')}</li>`;
}

/** Renders a (sanitised) body to HTML. Every text is escaped; only known tags are produced. */
export function docToHtml(doc: Doc): string {
  return doc.content.map(renderBlock).join('\n');
}

/** How a link's text is written in plain text; the default writes the text alone. */
type PlainLink = (text: string, href: string) => string;

function inlineText(nodes: InlineNode[] | undefined, link?: PlainLink): string {
  if (!link) return (nodes ?? []).map((n) => (n.type === 'text' ? n.text : '\n')).join('');
  // Neighbouring text nodes with the same target are one link (part of it may be bold).
  let out = '';
  let run = '';
  let href: string | undefined;
  const flush = (): void => {
    if (href !== undefined) out += link(run, href);
    run = '';
    href = undefined;
  };
  for (const n of nodes ?? []) {
    const target = n.type === 'text' ? n.marks?.find((m) => m.type === 'link')?.attrs.href : undefined;
    if (target !== href) flush();
    if (n.type !== 'text') out += '\n';
    else if (target === undefined) out += n.text;
    else {
      href = target;
      run += n.text;
    }
  }
  flush();
  return out;
}

function blockText(block: BlockNode, prefix = '', link?: PlainLink): string {
  switch (block.type) {
    case 'paragraph':
    case 'heading':
      return prefix + inlineText(block.content, link);
    case 'bulletList':
      return block.content.map((item) => itemText(item, `${prefix}- `, link)).join('\n');
    case 'orderedList': {
      const start = block.attrs?.start ?? 1;
      return block.content.map((item, i) => itemText(item, `${prefix}${start + i}. `, link)).join('\n');
    }
    case 'blockquote':
      return block.content.map((b) => blockText(b, `${prefix}> `, link)).join('\n');
  }
}

function itemText(item: ListItemNode, prefix: string, link?: PlainLink): string {
  return item.content.map((b, i) => blockText(b, i === 0 ? prefix : ' '.repeat(prefix.length), link)).join('\n');
}

/** Plain text of a body: paragraphs separated by blank lines, lists marked with "-" or numbers. */
export function docToPlainText(doc: Doc): string {
  return plainText(doc);
}

function plainText(doc: Doc, link?: PlainLink): string {
  return doc.content
    .map((b) => blockText(b, '', link))
    .filter((t) => t.trim().length > 0)
    .join('\n\n');
}

/**
 * Plain text of a body that keeps where its links go: "text [1]", with the
 * targets returned in order for a references list (plain-text email parts).
 * A link whose text is already its address is written once, without a number.
 */
export function docToPlainTextWithLinks(doc: Doc): { text: string; links: string[] } {
  const links: string[] = [];
  const text = plainText(doc, (label, href) => {
    const shown = label.trim();
    if (shown === href || `mailto:${shown}` === href || `tel:${shown}` === href) return label;
    let n = links.indexOf(href) + 1;
    if (n === 0) n = links.push(href);
    const trailing = label.slice(label.trimEnd().length);
    return `${label.trimEnd()} [${n}]${trailing}`;
  });
  return { text, links };
}

/** The first `max` characters of the body's text, cut at a word, for list rows. */
export function excerptOf(doc: Doc, max = 160): string {
  return excerptFromText(docToPlainText(doc), max);
}

/** The first `max` characters of a text, whitespace collapsed, cut at a word. */
export function excerptFromText(raw: string, max = 160): string {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
