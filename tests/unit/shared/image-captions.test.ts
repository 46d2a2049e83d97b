import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../shared/channels/render/email.ts';
import { renderWebsiteArticle } from '../../../shared/channels/render/website.ts';
import { captionText, DocSchema, sanitizeDoc, type Doc } from '../../../shared/content/doc.ts';
import { imagesOf, socialImageDescription } from '../../../shared/content/images.ts';
import { docToPlainText, docToPlainTextWithLinks } from '../../../shared/content/render.ts';

const ID = 'a'.repeat(64);
const doc = (...content: Doc['content']): Doc => ({ type: 'doc', content });
const captioned = (alt: string, caption: string | null) => ({
  type: 'image' as const,
  attrs: { src: `media:${ID}`, alt, caption },
});

describe('image captions in the body schema', () => {
  it('accepts a caption of up to 500 characters and refuses a longer one, with the path', () => {
    expect(DocSchema.safeParse(doc(captioned('Map', 'x'.repeat(500)))).success).toBe(true);
    const result = DocSchema.safeParse(doc(captioned('Map', 'x'.repeat(501))));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['content', 0, 'attrs', 'caption']);
  });

  it('refuses a caption that is not text', () => {
    const result = DocSchema.safeParse({
      type: 'doc',
      content: [{ type: 'image', attrs: { src: `media:${ID}`, alt: 'Map', caption: { html: '<b>x</b>' } } }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['content', 0, 'attrs', 'caption']);
  });

  it('sanitising makes a caption one clean line: no control characters, line breaks or bidi overrides', () => {
    const raw = '  The diversion\u0000 route\n\nvia\tthe A34\u202e gnitset \u2066ok\u2069\u0085  ';
    const parsed = DocSchema.parse(doc(captioned('Map', raw)));
    const clean = sanitizeDoc(parsed).doc;
    expect(clean).toStrictEqual(doc(captioned('Map', 'The diversion route via the A34 gnitset ok')));
    // Emoji sequences joined by ZWJ are kept whole.
    expect(captionText('Families 👨‍👩‍👧 welcome')).toBe('Families 👨‍👩‍👧 welcome');
  });

  it('drops a caption that is only whitespace', () => {
    const parsed = DocSchema.parse(doc(captioned('Map', ' \n\t ')));
    expect(sanitizeDoc(parsed).doc.content[0]).toStrictEqual({
      type: 'image',
      attrs: { src: `media:${ID}`, alt: 'Map' },
    });
  });
});

describe('rendering a caption', () => {
  const body = doc(
    { type: 'paragraph', content: [{ type: 'text', text: 'Before' }] },
    captioned('A map of the diversion', 'The diversion runs <via> the A34 & A6'),
  );
  const input = { title: 'Road closed', summary: 'The A6 is closed', body };
  const src = () => 'data:image/png;base64,AAAA';

  it('writes figure and figcaption, escaped, on the website and in the email HTML', () => {
    const figure =
      '<figure><img src="data:image/png;base64,AAAA" alt="A map of the diversion"><figcaption>The diversion runs &lt;via&gt; the A34 &amp; A6</figcaption></figure>';
    expect(renderWebsiteArticle(input, { imageSrc: src }).html).toContain(figure);
    expect(renderEmail(input, { organisationName: 'Council', imageSrc: src }).html).toContain(figure);
  });

  it('keeps the caption in plain text, on the line after the image', () => {
    expect(docToPlainText(body)).toBe(
      'Before\n\n[Image: A map of the diversion]\nThe diversion runs <via> the A34 & A6',
    );
    expect(docToPlainTextWithLinks(body).text).toContain('[Image: A map of the diversion]\nThe diversion runs');
    expect(renderEmail(input, { organisationName: 'Council' }).text).toContain(
      '[Image: A map of the diversion]\nThe diversion runs <via> the A34 & A6',
    );
  });

  it('lists the caption with the image, for the channels', () => {
    expect(imagesOf(body)).toEqual([
      {
        where: 'image 1',
        mediaId: ID,
        alt: 'A map of the diversion',
        caption: 'The diversion runs <via> the A34 & A6',
      },
    ]);
  });
});

describe('socialImageDescription', () => {
  it('adds the caption to the alt text when both fit', () => {
    expect(socialImageDescription({ alt: 'A map of the diversion', caption: 'Open from 8pm' }, 1500)).toBe(
      'A map of the diversion. Caption: Open from 8pm',
    );
    expect(socialImageDescription({ alt: 'Is it open?', caption: 'Yes' }, 1500)).toBe('Is it open? Caption: Yes');
  });

  it('sends the alt text alone when there is no caption, or when both would be over the limit', () => {
    expect(socialImageDescription({ alt: 'A map' }, 1500)).toBe('A map');
    expect(socialImageDescription({ alt: 'A map', caption: 'x'.repeat(20) }, 20)).toBe('A map');
  });
});
