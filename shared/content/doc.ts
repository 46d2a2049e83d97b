import { z } from 'zod';

/**
 * The rich body of an update: TipTap/ProseMirror JSON, restricted to what the
 * editor can produce. The core re-validates every body it stores because the
 * renderer is not trusted (a tampered UI, a script in a pasted page).
 */

export const MAX_BODY_JSON_BYTES = 1_000_000;
export const MAX_DOC_DEPTH = 12;

/** Schemes a link may use. Anything else (javascript:, data:, file:) is removed. */
const SAFE_LINK = /^(https?:\/\/[^\s<>"']+|mailto:[^\s<>"']+|tel:\+?[0-9 ()-]{3,32})$/i;

/** True when `href` is a link we are willing to store and render. */
export function isSafeHref(href: string): boolean {
  if (!SAFE_LINK.test(href)) return false;
  if (/^https?:/i.test(href)) {
    try {
      const url = new URL(href);
      return url.hostname.length > 0;
    } catch {
      return false;
    }
  }
  return true;
}

export const MarkSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bold') }),
  z.object({ type: z.literal('italic') }),
  z.object({
    type: z.literal('link'),
    attrs: z.object({ href: z.string().max(2048) }),
  }),
]);
export type Mark = z.infer<typeof MarkSchema>;

/**
 * Where an image's bytes live: our own media store, addressed by the sha256 of
 * the bytes. Nothing else is accepted, so a pasted remote (tracking) image can
 * never be stored or sent.
 */
export const MEDIA_SRC = /^media:[0-9a-f]{64}$/;
export const MAX_ALT_TEXT_LENGTH = 1000;
export const MAX_CAPTION_LENGTH = 500;

/** The media id inside an image's `src` ("media:<sha256>" → "<sha256>"). */
export function mediaIdOf(src: string): string {
  return src.slice('media:'.length);
}

export type ImageNode = {
  type: 'image';
  /** Alt text may be empty while drafting; the content checks block sending until it is written. */
  attrs: { src: string; alt: string; caption?: string | null };
};

export type TextNode = { type: 'text'; text: string; marks?: Mark[] };
export type BlockNode =
  | { type: 'paragraph'; content?: InlineNode[] }
  | { type: 'heading'; attrs: { level: 2 | 3 }; content?: InlineNode[] }
  | { type: 'bulletList'; content: ListItemNode[] }
  | { type: 'orderedList'; attrs?: { start: number }; content: ListItemNode[] }
  | { type: 'blockquote'; content: BlockNode[] }
  | ImageNode;
export type InlineNode = TextNode | { type: 'hardBreak' };
export type ListItemNode = { type: 'listItem'; content: BlockNode[] };
export type Doc = { type: 'doc'; content: BlockNode[] };

const TextNodeSchema = z.object({
  type: z.literal('text'),
  text: z.string().min(1).max(100_000),
  marks: z.array(MarkSchema).max(8).optional(),
});
const InlineSchema = z.discriminatedUnion('type', [TextNodeSchema, z.object({ type: z.literal('hardBreak') })]);

const BlockSchema: z.ZodType<BlockNode> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('paragraph'), content: z.array(InlineSchema).optional() }),
    z.object({
      type: z.literal('heading'),
      attrs: z.object({ level: z.union([z.literal(2), z.literal(3)]) }),
      content: z.array(InlineSchema).optional(),
    }),
    z.object({ type: z.literal('bulletList'), content: z.array(ListItemSchema).min(1) }),
    z.object({
      type: z.literal('orderedList'),
      attrs: z.object({ start: z.number().int().min(1).max(10_000) }).optional(),
      content: z.array(ListItemSchema).min(1),
    }),
    z.object({ type: z.literal('blockquote'), content: z.array(BlockSchema).min(1) }),
    z.object({
      type: z.literal('image'),
      attrs: z.object({
        src: z.string().regex(MEDIA_SRC, 'An image must come from Town Crier\'s media store ("media:" and a sha256)'),
        alt: z.string().max(MAX_ALT_TEXT_LENGTH),
        caption: z.string().max(MAX_CAPTION_LENGTH).nullish(),
      }),
    }),
  ]),
);
const ListItemSchema: z.ZodType<ListItemNode> = z.lazy(() =>
  z.object({ type: z.literal('listItem'), content: z.array(BlockSchema).min(1) }),
);

/** Structural schema of a body. Unknown node or mark types fail with a path. */
export const DocSchema: z.ZodType<Doc> = z
  .object({ type: z.literal('doc'), content: z.array(BlockSchema).max(5_000) })
  .superRefine((doc, ctx) => {
    if (depthOf(doc) > MAX_DOC_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `The body is nested more than ${MAX_DOC_DEPTH} levels deep` });
    }
    if (JSON.stringify(doc).length > MAX_BODY_JSON_BYTES) {
      ctx.addIssue({ code: 'custom', message: 'The body is larger than 1 MB' });
    }
  });

function depthOf(node: { content?: unknown }): number {
  if (!Array.isArray(node.content)) return 1;
  let max = 0;
  for (const child of node.content as { content?: unknown }[]) max = Math.max(max, depthOf(child));
  return max + 1;
}

/** An empty body: one empty paragraph, as the editor starts. */
export function emptyDoc(): Doc {
  return { type: 'doc', content: [{ type: 'paragraph' }] };
}

/**
 * Makes a structurally valid body safe to store: drops link marks whose
 * target is not http(s), mailto or tel, merges duplicate marks, and removes
 * empty text. Returns the cleaned body and what was removed, so callers can log it.
 */
export function sanitizeDoc(doc: Doc): { doc: Doc; removedLinks: string[] } {
  const removedLinks: string[] = [];
  const cleanInline = (nodes: InlineNode[] | undefined): InlineNode[] | undefined => {
    if (!nodes) return undefined;
    const out: InlineNode[] = [];
    for (const node of nodes) {
      if (node.type !== 'text') {
        out.push({ type: 'hardBreak' });
        continue;
      }
      const seen = new Set<string>();
      const marks: Mark[] = [];
      for (const mark of node.marks ?? []) {
        if (seen.has(mark.type)) continue;
        if (mark.type === 'link') {
          const href = mark.attrs.href.trim();
          if (!isSafeHref(href)) {
            removedLinks.push(href);
            continue;
          }
          marks.push({ type: 'link', attrs: { href } });
        } else {
          marks.push({ type: mark.type });
        }
        seen.add(mark.type);
      }
      out.push(marks.length > 0 ? { type: 'text', text: node.text, marks } : { type: 'text', text: node.text });
    }
    return out;
  };
  const cleanBlock = (block: BlockNode): BlockNode => {
    switch (block.type) {
      case 'paragraph':
        return withContent({ type: 'paragraph' }, cleanInline(block.content));
      case 'heading':
        return withContent({ type: 'heading', attrs: { level: block.attrs.level } }, cleanInline(block.content));
      case 'bulletList':
        return { type: 'bulletList', content: block.content.map(cleanItem) };
      case 'orderedList':
        return {
          type: 'orderedList',
          ...(block.attrs ? { attrs: { start: block.attrs.start } } : {}),
          content: block.content.map(cleanItem),
        };
      case 'blockquote':
        return { type: 'blockquote', content: block.content.map(cleanBlock) };
      case 'image': {
        // Only the known attributes survive; a caption is one line of plain text, and an empty one is no caption.
        const caption = captionText(block.attrs.caption ?? '');
        return {
          type: 'image',
          attrs: { src: block.attrs.src, alt: block.attrs.alt, ...(caption ? { caption } : {}) },
        };
      }
    }
  };
  const cleanItem = (item: ListItemNode): ListItemNode => ({ type: 'listItem', content: item.content.map(cleanBlock) });
  return { doc: { type: 'doc', content: doc.content.map(cleanBlock) }, removedLinks };
}

/**
 * A caption as stored: control characters (a paste gone wrong, or a tampered
 * client) removed, every run of whitespace one space, trimmed. It is shown as
 * text under the image on the website and in email, so it is one line; bidi
 * overrides (which can make text read differently from how it is stored) go too.
 */
export function captionText(raw: string): string {
  return (
    raw
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function withContent<T extends BlockNode>(block: T, content: InlineNode[] | undefined): T {
  return content && content.length > 0 ? { ...block, content } : block;
}
