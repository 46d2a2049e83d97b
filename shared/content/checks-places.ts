import type { BlockNode, Doc, InlineNode } from './doc.ts';

/**
 * Names the places of a body the way a person would point at them
 * ("paragraph 3", "heading 2", "bulleted list 1, item 2", "quote 1"), so
 * each content-check finding says where to look.
 */

export type LinkRun = { text: string; href: string };

export type Place = {
  where: string;
  kind: 'paragraph' | 'heading' | 'item' | 'quote';
  /** The plain text of the place. */
  text: string;
  /** Its links, neighbouring text nodes with the same target joined into one. */
  links: LinkRun[];
  /** For headings. */
  level?: 2 | 3;
};

/** Every text-bearing block of a body, in reading order, with its name. Empty paragraphs are not counted. */
export function placesOf(doc: Doc): Place[] {
  const places: Place[] = [];
  const counts = { paragraph: 0, heading: 0, bulleted: 0, numbered: 0, quote: 0 };

  const visit = (block: BlockNode, container: string | undefined, kind: Place['kind']): void => {
    switch (block.type) {
      case 'paragraph': {
        if (!block.content || block.content.length === 0) return;
        const where = container ?? `paragraph ${++counts.paragraph}`;
        places.push({ where, kind, ...inline(block.content) });
        return;
      }
      case 'heading':
        places.push({
          where: `heading ${++counts.heading}`,
          kind: 'heading',
          level: block.attrs.level,
          ...inline(block.content),
        });
        return;
      case 'bulletList':
      case 'orderedList': {
        const name = block.type === 'bulletList' ? 'bulleted' : 'numbered';
        const n = ++counts[name];
        block.content.forEach((item, i) => {
          for (const child of item.content) visit(child, `${name} list ${n}, item ${i + 1}`, 'item');
        });
        return;
      }
      case 'blockquote': {
        const where = `quote ${++counts.quote}`;
        for (const child of block.content) visit(child, container ?? where, container ? kind : 'quote');
        return;
      }
      case 'image':
        // Images are checked on their own (alt text), named "image N" by imagesOf.
        return;
    }
  };
  for (const block of doc.content) visit(block, undefined, 'paragraph');
  return places;
}

function inline(nodes: InlineNode[] | undefined): { text: string; links: LinkRun[] } {
  let text = '';
  const links: LinkRun[] = [];
  let open: LinkRun | undefined;
  for (const node of nodes ?? []) {
    if (node.type !== 'text') {
      text += '\n';
      open = undefined;
      continue;
    }
    text += node.text;
    const href = node.marks?.find((m) => m.type === 'link')?.attrs.href;
    if (href === undefined) {
      open = undefined;
    } else if (open && open.href === href) {
      open.text += node.text;
    } else {
      open = { text: node.text, href };
      links.push(open);
    }
  }
  return { text, links };
}
