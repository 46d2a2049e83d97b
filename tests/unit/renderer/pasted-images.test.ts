import { describe, expect, it } from 'vitest';
import {
  fileFromDataUrl,
  htmlHasText,
  imagesInPastedHtml,
  remoteImagesNotice,
} from '../../../renderer/src/features/updates/pasted-images.ts';
import { makePng } from '../../support/images.ts';

const PNG = makePng(4, 3, [1, 2, 3]);

describe('images in pasted HTML', () => {
  it('turns data: images into files with their exact bytes and counts every other picture as left out', async () => {
    const html =
      `<p>Text</p><img alt="x" src="data:image/png;base64,${PNG.toString('base64')}">` +
      `<IMG SRC='https://tracker.example.com/p.gif?a=1&amp;b=2'><img src=//cdn.example/x.png>` +
      '<img alt="no source"><img src="/relative.png">';
    const found = imagesInPastedHtml(html);
    expect(found).toMatchObject({ remote: 4, pixels: 0 });
    expect(found.embedded).toHaveLength(1);
    const [file] = found.embedded;
    expect(file?.name).toBe('pasted image 1');
    expect(file?.type).toBe('image/png');
    expect(Buffer.from(await (file as File).arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('leaves out spacer and tracking pixels carried inside the HTML (2×2 or smaller), saying nothing of them', () => {
    const pixel = makePng(1, 1, [0, 0, 0]).toString('base64');
    const found = imagesInPastedHtml(
      `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><img src="data:image/png;base64,${pixel}">` +
        `<img src="data:image/png;base64,${makePng(3, 2, [0, 0, 0]).toString('base64')}">`,
    );
    expect(found).toMatchObject({ remote: 0, pixels: 2 });
    expect(found.embedded).toHaveLength(1);
  });

  it('keeps a non-base64 data: URL as its bytes (the upload then refuses an SVG), and bad base64 as an empty file', async () => {
    const svg = fileFromDataUrl('data:image/svg+xml,%3Csvg%20onload%3Dalert(1)%3E', 1);
    expect(await svg?.text()).toBe('<svg onload=alert(1)>');
    expect(fileFromDataUrl('data:image/png;base64,@@@', 2)?.size).toBe(0);
    expect(fileFromDataUrl('https://example.com/a.png', 3)).toBeNull();
  });

  it('tells text from a lone picture (Word puts a picture of the copied text beside its HTML)', () => {
    expect(htmlHasText('<meta charset="utf-8"><img src="https://example.com/a.png">')).toBe(false);
    expect(htmlHasText('<html><head><style>p{}</style></head><body>&nbsp;<img src="x"></body></html>')).toBe(false);
    expect(htmlHasText('<p>Gritters are out</p>')).toBe(true);
  });

  it('says how many pictures were left out, and why', () => {
    expect(remoteImagesNotice(0)).toBeNull();
    expect(remoteImagesNotice(1)).toMatch(/^1 picture in what you pasted was left out: /);
    expect(remoteImagesNotice(3)).toMatch(/^3 pictures in what you pasted were left out: /);
  });
});
