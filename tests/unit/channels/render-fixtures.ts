import type { Doc } from '../../../shared/content/doc.ts';
import type { RenderInput } from '../../../shared/channels/render/input.ts';

/** A road-closure update with a heading, a link, a list and a quote: the shapes every renderer must handle. */
export function roadClosure(overrides: Partial<RenderInput> = {}): RenderInput {
  const body: Doc = {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'What is happening' }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'The A6 is closed. See ' },
          {
            type: 'text',
            text: 'the diversion map',
            marks: [{ type: 'link', attrs: { href: 'https://www.stockport.gov.uk/map' } }],
          },
          { type: 'text', text: ' for details.' },
        ],
      },
      {
        type: 'bulletList',
        content: [
          {
            type: 'listItem',
            content: [
              {
                type: 'paragraph',
                content: [
                  { type: 'text', text: 'Buses: ' },
                  { type: 'text', text: 'timetables', marks: [{ type: 'link', attrs: { href: 'https://tfgm.com/' } }] },
                ],
              },
            ],
          },
          { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Bins as normal' }] }] },
        ],
      },
      {
        type: 'blockquote',
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Sorry for the delay' }] }],
      },
    ],
  };
  return {
    title: 'A6 closed this weekend',
    summary: 'The A6 is closed from 9pm Friday to 6am Monday.',
    body,
    ...overrides,
  };
}

/** A body of plain paragraphs. */
export function paragraphs(...texts: string[]): Doc {
  return { type: 'doc', content: texts.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })) };
}
