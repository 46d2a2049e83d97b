import { describe, expect, it } from 'vitest';
import { DocSchema, sanitizeDoc, type Doc } from '../../../shared/content/doc.ts';
import { docToHtml, docToPlainText, excerptFromText } from '../../../shared/content/render.ts';

const doc = (content: unknown): unknown => ({ type: 'doc', content });

describe('body schema', () => {
  it('accepts what the editor produces', () => {
    const body = doc([
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Road closed' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Bold', marks: [{ type: 'bold' }] }] },
      { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph' }] }] },
    ]);
    expect(DocSchema.safeParse(body).success).toBe(true);
  });

  it('names the path of an unknown node type', () => {
    const result = DocSchema.safeParse(doc([{ type: 'paragraph' }, { type: 'script', text: 'alert(1)' }]));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['content', 1, 'type']);
  });

  it('refuses a heading level the editor does not offer', () => {
    expect(DocSchema.safeParse(doc([{ type: 'heading', attrs: { level: 1 } }])).success).toBe(false);
  });

  it('refuses a body nested too deep', () => {
    let node: unknown = { type: 'paragraph' };
    for (let i = 0; i < 14; i++) node = { type: 'blockquote', content: [node] };
    expect(DocSchema.safeParse(doc([node])).success).toBe(false);
  });
});

describe('sanitizeDoc', () => {
  it('removes javascript: and data: links but keeps their text', () => {
    const body = DocSchema.parse(
      doc([
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'evil', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] },
            { type: 'text', text: 'data', marks: [{ type: 'link', attrs: { href: 'data:text/html,<b>' } }] },
            {
              type: 'text',
              text: 'good',
              marks: [{ type: 'link', attrs: { href: 'https://www.stockport.gov.uk/bins' } }],
            },
          ],
        },
      ]),
    );
    const { doc: clean, removedLinks } = sanitizeDoc(body);
    expect(removedLinks).toEqual(['javascript:alert(1)', 'data:text/html,<b>']);
    expect(docToHtml(clean)).toBe('<p>evildata<a href="https://www.stockport.gov.uk/bins">good</a></p>');
  });

  it('strips attributes the schema does not know', () => {
    const parsed = DocSchema.parse(
      doc([
        {
          type: 'paragraph',
          content: [{ type: 'text', text: 'x', marks: [{ type: 'bold', attrs: { style: 'color:red' } }] }],
        },
      ]),
    );
    expect(JSON.stringify(sanitizeDoc(parsed).doc)).not.toContain('style');
  });
});

describe('docToHtml', () => {
  it('escapes text so a pasted <script> is shown, never run', () => {
    const body = DocSchema.parse(
      doc([{ type: 'paragraph', content: [{ type: 'text', text: '<script>alert("x")</script>' }] }]),
    );
    expect(docToHtml(body)).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  });

  it('renders marks in a fixed order whatever order they were stored in', () => {
    const a = DocSchema.parse(
      doc([
        { type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'italic' }, { type: 'bold' }] }] },
      ]),
    );
    const b = DocSchema.parse(
      doc([
        { type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'bold' }, { type: 'italic' }] }] },
      ]),
    );
    expect(docToHtml(a)).toBe('<p><strong><em>x</em></strong></p>');
    expect(docToHtml(b)).toBe(docToHtml(a));
  });

  it('renders lists and numbered starts', () => {
    const body = DocSchema.parse(
      doc([
        {
          type: 'orderedList',
          attrs: { start: 3 },
          content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Third' }] }] }],
        },
      ]),
    ) as Doc;
    expect(docToHtml(body)).toBe('<ol start="3"><li><p>Third</p></li></ol>');
    expect(docToPlainText(body)).toBe('3. Third');
  });
});

describe('excerptFromText', () => {
  it('cuts at a word and marks the cut', () => {
    expect(excerptFromText('Bins will be collected a day late after the bank holiday', 30)).toBe(
      'Bins will be collected a day…',
    );
  });
  it('keeps short text whole', () => {
    expect(excerptFromText('  Short\n text ')).toBe('Short text');
  });
});
