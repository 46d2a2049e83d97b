import type { Page } from 'playwright';
import { expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { makePng } from '../support/images.ts';

const app = useE2eApp();
/** Previews render a moment after typing (deferred); on a loaded CI machine that can take seconds. */
const SLOW = { timeout: 15_000 };

const MAP = makePng(96, 64, [29, 112, 184]);
const PHOTO = makePng(40, 30, [200, 80, 20]);

/** Pastes into the body as the system clipboard would: a DataTransfer with files and/or HTML. */
async function paste(page: Page, content: { files?: { name: string; type: string; base64: string }[]; html?: string }) {
  await page.getByRole('textbox', { name: 'Body' }).evaluate((el, c) => {
    const data = new DataTransfer();
    for (const f of c.files ?? []) {
      const bytes = Uint8Array.from(atob(f.base64), (ch) => ch.charCodeAt(0));
      data.items.add(new File([bytes], f.name, { type: f.type }));
    }
    if (c.html !== undefined) {
      data.setData('text/html', c.html);
      data.setData('text/plain', c.html.replace(/<[^>]*>/g, ''));
    }
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, content);
}

/** Drops files onto the body, below its last line of text. */
async function drop(page: Page, files: { name: string; type: string; base64?: string; size?: number }[]) {
  await page.getByRole('textbox', { name: 'Body' }).evaluate((el, list) => {
    const data = new DataTransfer();
    for (const f of list) {
      const bytes = f.base64 ? Uint8Array.from(atob(f.base64), (ch) => ch.charCodeAt(0)) : new Uint8Array(f.size ?? 0);
      data.items.add(new File([bytes], f.name, { type: f.type }));
    }
    const box = el.getBoundingClientRect();
    const at = { clientX: box.left + 20, clientY: box.bottom - 10 };
    el.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true, ...at }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true, ...at }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true, ...at }));
  }, files);
}

test('a pasted image file is uploaded, shows "Alt text missing" until described, and takes a caption', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Wellington Road diversion');
  await page.getByLabel('Summary', { exact: true }).fill('The diversion while the A6 is closed.');
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await page.keyboard.type('Follow the signs shown on this map.');
  await page.keyboard.press('Enter');

  await paste(page, { files: [{ name: 'image.png', type: 'image/png', base64: MAP.toString('base64') }] });
  const images = body.locator('figure.body-image img');
  await expect.poll(() => images.first().getAttribute('src'), SLOW).toMatch(/^data:image\/png;base64,/);
  expect(await images.first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(96);
  // Like Insert image: the alt-text form opens; leaving it for later shows the warning, and the checks block.
  await expect.poll(() => page.getByLabel('Alt text for image 1').isVisible(), SLOW).toBe(true);
  await page.getByRole('button', { name: 'Later' }).click();
  await expect.poll(() => body.getByText('Alt text missing').count(), SLOW).toBe(1);
  const checks = page.getByRole('region', { name: 'Checks' });
  await expect.poll(() => checks.textContent(), SLOW).toMatch(/Must fix\s*image 1:\s*Image 1 has no alt text/);

  // Alt text and caption, side by side in one form.
  await body.getByRole('button', { name: 'Add alt text' }).click();
  await page.getByLabel('Alt text for image 1').fill('Map of the diversion from the A6 via the A34');
  await page.getByLabel('Caption (optional)').fill('The signed diversion, in blue');
  await page.screenshot({ path: 'test-results/images-alt-and-caption.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Save alt text' }).click();
  await expect.poll(() => body.getByText('Alt text missing').count(), SLOW).toBe(0);
  await expect
    .poll(() => body.locator('.image-caption').textContent(), SLOW)
    .toBe('Caption: The signed diversion, in blue');
  await expect.poll(() => checks.textContent(), SLOW).not.toMatch(/image 1/);

  // The caption is under the image in the website preview and in the email, HTML and plain text.
  await page.getByRole('tab', { name: 'Website' }).click();
  await expect
    .poll(() => page.locator('.article-frame figure figcaption').textContent(), SLOW)
    .toBe('The signed diversion, in blue');
  await page.getByRole('tab', { name: 'Email' }).click();
  const frame = page.frameLocator('iframe[title="Email preview"]');
  await expect.poll(() => frame.locator('figcaption').textContent(), SLOW).toBe('The signed diversion, in blue');
  await page.getByRole('tab', { name: 'Plain text' }).click();
  await expect
    .poll(() => page.locator('.email-text').textContent(), SLOW)
    .toContain('[Image: Map of the diversion from the A6 via the A34]\nThe signed diversion, in blue');
  await waitForSaved(page);
  expect(await axeViolations(page)).toEqual([]);

  // Saved by the core as sent: the caption survives a reload.
  await page.reload();
  await expect
    .poll(() => page.getByRole('textbox', { name: 'Body' }).locator('.image-caption').textContent(), SLOW)
    .toBe('Caption: The signed diversion, in blue');
});

test('pasted HTML keeps its text; a data: image is uploaded and a remote one is left out with a notice, never fetched', async () => {
  const page = await app.open();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Pasted from a web page');
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await paste(page, {
    html:
      '<p>Gritters are out tonight on all priority routes.</p>' +
      '<img src="https://tracker.example.com/pixel.gif?u=123" width="1" height="1" alt="">' +
      `<img src="data:image/png;base64,${PHOTO.toString('base64')}" alt="A gritter">`,
  });
  await expect.poll(() => body.textContent(), SLOW).toContain('Gritters are out tonight on all priority routes.');
  await expect
    .poll(() => page.getByRole('status').filter({ hasText: 'left out' }).textContent(), SLOW)
    .toBe(
      '1 picture in what you pasted was left out: Town Crier does not load pictures from other websites. Save the picture to your computer, then use Image or drag it into the body.',
    );
  const images = body.locator('figure.body-image img');
  await expect.poll(() => images.count(), SLOW).toBe(1);
  await expect.poll(() => images.first().getAttribute('src'), SLOW).toMatch(/^data:image\/png;base64,/);
  expect(await images.first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(40);
  // The pasted alt attribute is not trusted as a description: it waits for a person's alt text.
  await expect.poll(() => page.getByLabel('Alt text for image 1').isVisible(), SLOW).toBe(true);
  await page.getByRole('button', { name: 'Later' }).click();
  await expect.poll(() => body.getByText('Alt text missing').count(), SLOW).toBe(1);
  await waitForSaved(page);
  expect(requested.filter((url) => url.includes('tracker.example.com'))).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
});

test('a dropped image is uploaded where it lands; a dropped file too large or not an image is explained', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Dropped images');
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await page.keyboard.type('Words I do not want to lose.');

  const alert = page.getByRole('alert');
  await drop(page, [{ name: 'huge.png', type: 'image/png', size: Math.round(12.4 * 1024 * 1024) }]);
  await expect
    .poll(() => alert.textContent(), SLOW)
    .toBe('This image is 12.4 MB. The largest image Town Crier accepts is 10 MB.');
  await drop(page, [
    { name: 'notes.png', type: 'image/png', base64: Buffer.from('just some text').toString('base64') },
  ]);
  await expect.poll(() => alert.textContent(), SLOW).toMatch(/^"notes.png" is not a PNG, JPEG, GIF or WebP image/);
  expect(await body.locator('figure').count()).toBe(0);

  await drop(page, [{ name: 'photo.png', type: 'image/png', base64: PHOTO.toString('base64') }]);
  const images = body.locator('figure.body-image img');
  await expect.poll(() => images.first().getAttribute('src'), SLOW).toMatch(/^data:image\/png;base64,/);
  await expect.poll(() => page.getByLabel('Alt text for image 1').isVisible(), SLOW).toBe(true);
  await page.getByLabel('Alt text for image 1').fill('A gritter on the A6');
  await page.getByRole('button', { name: 'Save alt text' }).click();
  await expect.poll(() => images.first().getAttribute('alt'), SLOW).toBe('A gritter on the A6');
  await expect.poll(() => body.textContent(), SLOW).toContain('Words I do not want to lose.');
  // It landed where it was dropped: below the line of text.
  const blocks = await body.evaluate((el) =>
    Array.from(el.children).map((c) => (c.querySelector('figure.body-image') ? 'image' : c.textContent)),
  );
  expect(blocks.slice(0, 2)).toEqual(['Words I do not want to lose.', 'image']);
  await waitForSaved(page);
  expect(await axeViolations(page)).toEqual([]);
});
