import { describe, expect, it } from 'vitest';
import { DocSchema, sanitizeDoc, type Doc } from '../../../shared/content/doc.ts';
import { imagesOf, mediaIdsOf } from '../../../shared/content/images.ts';
import { docToHtml, docToPlainText, excerptOf } from '../../../shared/content/render.ts';
import { checkContent } from '../../../shared/content/checks.ts';
import { renderWebsiteArticle } from '../../../shared/channels/render/website.ts';
import { renderEmail } from '../../../shared/channels/render/email.ts';
import {
  formatMegabytes,
  imageTooLargeMessage,
  MAX_IMAGE_BYTES,
  sniffImage,
} from '../../../shared/media/image-type.ts';
import { makePng, TINY_GIF } from '../../support/images.ts';

const ID = 'a'.repeat(64);
const ID2 = 'b'.repeat(64);
const image = (alt: string, id = ID) => ({ type: 'image' as const, attrs: { src: `media:${id}`, alt } });
const doc = (...content: Doc['content']): Doc => ({ type: 'doc', content });
const para = (text: string) => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] });

describe('the image node in the body schema', () => {
  it('accepts an image from our media store, with or without alt text', () => {
    expect(DocSchema.safeParse(doc(image('A map of the diversion'))).success).toBe(true);
    expect(DocSchema.safeParse(doc(image(''))).success).toBe(true);
  });

  it.each([
    'https://tracker.example.com/pixel.gif',
    'data:image/png;base64,iVBORw0KGgo=',
    'media:ABC',
    `media:${'A'.repeat(64)}`,
    `media:${ID}?x=1`,
    `javascript:alert(1)`,
    '/etc/passwd',
  ])('refuses src %s with a path to the field', (src) => {
    const result = DocSchema.safeParse(doc({ type: 'image', attrs: { src, alt: 'x' } } as never));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['content', 0, 'attrs', 'src']);
  });

  it('refuses alt text over 1000 characters', () => {
    expect(DocSchema.safeParse(doc(image('x'.repeat(1001)))).success).toBe(false);
  });

  it('sanitising keeps src and alt, drops unknown attributes and an empty caption', () => {
    const parsed = DocSchema.parse({
      type: 'doc',
      content: [{ type: 'image', attrs: { src: `media:${ID}`, alt: 'Map', caption: null, onerror: 'x', width: 9 } }],
    });
    expect(sanitizeDoc(parsed).doc).toStrictEqual(doc(image('Map')));
  });
});

describe('rendering images', () => {
  it('writes alt always and escapes every attribute', () => {
    const html = docToHtml(doc(image('"><script>alert(1)</script>'), image('')), {
      imageSrc: (id) => `https://cdn.example/${id}.png?a=1&b="2"`,
    });
    expect(html).toBe(
      `<figure><img src="https://cdn.example/${ID}.png?a=1&amp;b=&quot;2&quot;" alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></figure>\n` +
        `<figure><img src="https://cdn.example/${ID}.png?a=1&amp;b=&quot;2&quot;" alt=""></figure>`,
    );
  });

  it('without a resolver, names the media id and loads nothing', () => {
    expect(docToHtml(doc(image('Map')))).toBe(`<figure><img data-media-id="${ID}" alt="Map"></figure>`);
  });

  it('renders a caption as a figcaption', () => {
    const d = doc({ type: 'image', attrs: { src: `media:${ID}`, alt: 'Map', caption: 'The diversion <route>' } });
    expect(docToHtml(d)).toContain('<figcaption>The diversion &lt;route&gt;</figcaption>');
  });

  it('plain text says [Image: alt]; excerpts leave images out', () => {
    const d = doc(para('Before'), image('A map of the A6'), image('  '), para('After'));
    expect(docToPlainText(d)).toBe('Before\n\n[Image: A map of the A6]\n\n[Image: no description]\n\nAfter');
    expect(excerptOf(d)).toBe('Before After');
  });

  it('website and email renderers pass the resolver through', () => {
    const input = { title: 'T', summary: 'S', body: doc(image('Map')) };
    const src = (id: string) => `data:image/png;base64,${id.slice(0, 4)}`;
    expect(renderWebsiteArticle(input, { imageSrc: src }).html).toContain(
      '<img src="data:image/png;base64,aaaa" alt="Map">',
    );
    const email = renderEmail(input, { organisationName: 'Council', imageSrc: src });
    expect(email.html).toContain('<img src="data:image/png;base64,aaaa" alt="Map">');
    expect(email.text).toContain('[Image: Map]');
  });
});

describe('imagesOf', () => {
  it('lists images in reading order, inside lists and quotes too, named image 1, 2, …', () => {
    const d = doc(
      image('One'),
      { type: 'blockquote', content: [image('', ID2)] },
      { type: 'bulletList', content: [{ type: 'listItem', content: [para('x'), image('Three')] }] },
    );
    expect(imagesOf(d)).toEqual([
      { where: 'image 1', mediaId: ID, alt: 'One' },
      { where: 'image 2', mediaId: ID2, alt: '' },
      { where: 'image 3', mediaId: ID, alt: 'Three' },
    ]);
    expect(mediaIdsOf(d)).toEqual([ID, ID2]);
  });

  it('feeds the content checks: a missing alt text is blocking and names the image', () => {
    const findings = checkContent({ title: 'T', summary: 'S', body: doc(image('Map'), image(' ')) });
    expect(findings[0]).toMatchObject({ severity: 'blocking', where: 'image 2', message: 'Image 2 has no alt text.' });
    expect(findings.filter((f) => f.id.startsWith('missing-alt-text'))).toHaveLength(1);
  });
});

describe('image type and size', () => {
  it('reads the type and size from the bytes', () => {
    expect(sniffImage(makePng(3, 2, [255, 0, 0]))).toEqual({ type: 'image/png', width: 3, height: 2 });
    expect(sniffImage(TINY_GIF)).toEqual({ type: 'image/gif', width: 1, height: 1 });
    expect(sniffImage(Buffer.from('not a png at all'))).toBeNull();
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });

  it('says how big a too-large image is and what the limit is', () => {
    expect(imageTooLargeMessage(MAX_IMAGE_BYTES)).toBeNull();
    expect(imageTooLargeMessage(Math.round(12.4 * 1024 * 1024))).toBe(
      'This image is 12.4 MB. The largest image Town Crier accepts is 10 MB.',
    );
    expect(imageTooLargeMessage(MAX_IMAGE_BYTES + 1)).toBe(
      'This image is 10.1 MB. The largest image Town Crier accepts is 10 MB.',
    );
    expect(formatMegabytes(1024 * 1024)).toBe('1 MB');
  });
});
