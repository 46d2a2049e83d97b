import {
  mediaIdOf,
  type BlockNode,
  type Doc,
  type ImageNode,
  type InlineNode,
  type ListItemNode,
  type Mark,
} from './doc.ts';

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

/** Options of `docToHtml`. */
export type HtmlOptions = {
  /**
   * The address to load an image from, given its media id: a data: URL in
   * previews, the uploaded file's URL when publishing. Without it, an image is
   * written with no `src` and a `data-media-id` attribute: it loads nothing
   * (no request, no CSP report) and whoever publishes can still find it.
   */
  imageSrc?: (mediaId: string) => string;
};

function renderImage(image: ImageNode, options: HtmlOptions): string {
  const id = mediaIdOf(image.attrs.src);
  const src = options.imageSrc ? `src="${escapeHtml(options.imageSrc(id))}"` : `data-media-id="${escapeHtml(id)}"`;
  const img = `<img ${src} alt="${escapeHtml(image.attrs.alt)}">`;
  const caption = image.attrs.caption ? `<figcaption>${escapeHtml(image.attrs.caption)}</figcaption>` : '';
  return `<figure>${img}${caption}</figure>`;
}

function renderBlock(block: BlockNode, options: HtmlOptions): string {
  const renderItem = (item: ListItemNode): string =>
    `<li>${item.content.map((b) => renderBlock(b, options)).join('')}</li>`;
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
      return `<blockquote>${block.content.map((b) => renderBlock(b, options)).join('')}</blockquote>`;
    case 'image':
      return renderImage(block, options);
  }
}

/**
 * Renders a (sanitised) body to HTML. Every text and attribute is escaped;
 * only known tags are produced; every image carries its alt attribute.
 */
export function docToHtml(doc: Doc, options: HtmlOptions = {}): string {
  return doc.content.map((b) => renderBlock(b, options)).join('\n');
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

/** How plain text writes things that are not text: links (by default the text alone) and whether images appear. */
type PlainOptions = { link?: PlainLink | undefined; images: boolean };

function blockText(block: BlockNode, prefix: string, options: PlainOptions): string {
  const link = options.link;
  switch (block.type) {
    case 'image': {
      if (!options.images) return '';
      // The caption is visible text under the image, so plain text keeps it, on the line after.
      const caption = block.attrs.caption ? `\n${prefix}${block.attrs.caption}` : '';
      return `${prefix}[Image: ${block.attrs.alt.trim() || 'no description'}]${caption}`;
    }
    case 'paragraph':
    case 'heading':
      return prefix + inlineText(block.content, link);
    case 'bulletList':
      return block.content.map((item) => itemText(item, `${prefix}- `, options)).join('\n');
    case 'orderedList': {
      const start = block.attrs?.start ?? 1;
      return block.content.map((item, i) => itemText(item, `${prefix}${start + i}. `, options)).join('\n');
    }
    case 'blockquote':
      return block.content
        .map((b) => blockText(b, `${prefix}> `, options))
        .filter((t) => t.length > 0)
        .join('\n');
  }
}

function itemText(item: ListItemNode, prefix: string, options: PlainOptions): string {
  return item.content.map((b, i) => blockText(b, i === 0 ? prefix : ' '.repeat(prefix.length), options)).join('\n');
}

/**
 * Plain text of a body: paragraphs separated by blank lines, lists marked
 * with "-" or numbers, images as "[Image: <alt text>]" with their caption on the next line.
 */
export function docToPlainText(doc: Doc): string {
  return plainText(doc, { images: true });
}

function plainText(doc: Doc, options: PlainOptions): string {
  return doc.content
    .map((b) => blockText(b, '', options))
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
  const text = plainText(doc, {
    images: true,
    link: (label, href) => {
      const shown = label.trim();
      if (shown === href || `mailto:${shown}` === href || `tel:${shown}` === href) return label;
      let n = links.indexOf(href) + 1;
      if (n === 0) n = links.push(href);
      const trailing = label.slice(label.trimEnd().length);
      return `${label.trimEnd()} [${n}]${trailing}`;
    },
  });
  return { text, links };
}

/** The first `max` characters of the body's text, cut at a word, for list rows. Images are left out. */
export function excerptOf(doc: Doc, max = 160): string {
  return excerptFromText(plainText(doc, { images: false }), max);
}

/** The first `max` characters of a text, whitespace collapsed, cut at a word. */
export function excerptFromText(raw: string, max = 160): string {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
