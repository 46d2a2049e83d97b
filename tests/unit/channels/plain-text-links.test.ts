import { describe, expect, it } from 'vitest';
import type { Doc } from '../../../shared/content/doc.ts';
import { docToPlainText, docToPlainTextWithLinks } from '../../../shared/content/render.ts';

const link = (text: string, href: string, bold = false) => ({
  type: 'text' as const,
  text,
  marks: [{ type: 'link' as const, attrs: { href } }, ...(bold ? [{ type: 'bold' as const }] : [])],
});

describe('docToPlainTextWithLinks', () => {
  const doc: Doc = {
    type: 'doc',
    content: [
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'See ' },
          link('the ', 'https://a.gov.uk/map'),
          link('map', 'https://a.gov.uk/map', true),
          { type: 'text', text: ' and ' },
          link('the map again', 'https://a.gov.uk/map'),
          { type: 'text', text: ', ' },
          link('bins', 'https://a.gov.uk/bins'),
          { type: 'text', text: ' or ' },
          link('help@a.gov.uk', 'mailto:help@a.gov.uk'),
          { type: 'text', text: '.' },
        ],
      },
      {
        type: 'orderedList',
        content: [
          {
            type: 'listItem',
            content: [{ type: 'paragraph', content: [link('https://a.gov.uk', 'https://a.gov.uk')] }],
          },
        ],
      },
    ],
  };

  it('numbers each link target once, joins a link split by bold, and does not repeat a visible address', () => {
    const { text, links } = docToPlainTextWithLinks(doc);
    expect(text).toBe('See the map [1] and the map again [1], bins [2] or help@a.gov.uk.\n\n1. https://a.gov.uk');
    expect(links).toEqual(['https://a.gov.uk/map', 'https://a.gov.uk/bins']);
  });

  it('leaves docToPlainText unchanged', () => {
    expect(docToPlainText(doc)).toBe('See the map and the map again, bins or help@a.gov.uk.\n\n1. https://a.gov.uk');
  });
});
