import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../shared/media/image-type.ts';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { makePng } from '../support/images.ts';

const app = useE2eApp();
/** Previews render a moment after typing (deferred); on a loaded CI machine that can take seconds. */
const SLOW = { timeout: 15_000 };

test('an image without alt text blocks submission until its alt text is written, and survives a reload', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Wellington Road diversion map');
  await page.getByLabel('Summary', { exact: true }).fill('The diversion while the A6 is closed.');
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await page.keyboard.type('Follow the signs shown on this map.');
  await page.keyboard.press('Enter');

  // The toolbar button opens the picker; the test hands the picker a real PNG.
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name: 'Image' }).click();
  await (
    await chooser
  ).setFiles({ name: 'diversion-map.png', mimeType: 'image/png', buffer: makePng(120, 80, [29, 112, 184]) });

  const image = body.locator('figure.body-image img');
  await expect.poll(() => image.getAttribute('src'), SLOW).toMatch(/^data:image\/png;base64,/);
  // The alt-text form asks straight away; leave it for later to see the warning.
  const altBox = page.getByLabel('Alt text for image 1');
  await expect.poll(() => altBox.isVisible(), SLOW).toBe(true);
  await page.getByRole('button', { name: 'Later' }).click();
  await expect.poll(() => body.getByText('Alt text missing').count(), SLOW).toBe(1);

  const checks = page.getByRole('region', { name: 'Checks' });
  await expect.poll(() => checks.textContent(), SLOW).toMatch(/Cannot be sent yet: 1 problem to fix/);
  await expect.poll(() => checks.textContent(), SLOW).toMatch(/Must fix\s*image 1:\s*Image 1 has no alt text/);

  // Previews show the image too: the website article, and the email in its sandboxed frame (data: URL).
  await page.getByRole('tab', { name: 'Website' }).click();
  await expect
    .poll(() => page.locator('.article-frame img').getAttribute('src'), SLOW)
    .toMatch(/^data:image\/png;base64,/);
  await page.getByRole('tab', { name: 'Email' }).click();
  const frame = page.frameLocator('iframe[title="Email preview"]');
  await expect.poll(() => frame.locator('img').getAttribute('src'), SLOW).toMatch(/^data:image\/png;base64,/);
  expect(await frame.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(120);

  await waitForSaved(page);
  // The core will not take it for approval while an image has no alt text (the same check, run again there).
  await app.ensureApprover();
  // Chromium logs the refused call as a failed 400 request.
  app.allowConsoleErrors(/status of 400 \(Bad Request\)/);
  const approval = page.getByRole('region', { name: 'Approval' });
  await approval.getByRole('button', { name: 'Submit for approval' }).click();
  await expect
    .poll(() => approval.getByRole('alert').textContent(), SLOW)
    .toMatch(/^Fix this problem before submitting: image 1: Image 1 has no alt text/);
  await expect.poll(() => approval.locator('.review-state').textContent()).toMatch(/^Draft\./);
  await page.screenshot({ path: 'test-results/images-alt-missing.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  await body.getByRole('button', { name: 'Add alt text' }).click();
  await page.getByLabel('Alt text for image 1').fill('Map of the diversion from the A6 via the A34');
  await page.getByRole('button', { name: 'Save alt text' }).click();
  await expect.poll(() => body.getByText('Alt text missing').count(), SLOW).toBe(0);
  await expect.poll(() => checks.textContent(), SLOW).not.toMatch(/image 1/);
  await expect.poll(() => checks.textContent(), SLOW).not.toMatch(/Cannot be sent yet/);
  expect(await image.getAttribute('alt')).toBe('Map of the diversion from the A6 via the A34');
  await waitForSaved(page);
  await approval.getByRole('button', { name: 'Submit for approval' }).click();
  await expect.poll(() => approval.locator('.review-state').textContent(), SLOW).toMatch(/^Waiting for approval\./);
  await page.screenshot({ path: 'test-results/images-alt-written.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  await page.reload();
  const reopened = page.getByRole('textbox', { name: 'Body' }).locator('figure.body-image img');
  await expect.poll(() => reopened.getAttribute('src'), SLOW).toMatch(/^data:image\/png;base64,/);
  expect(await reopened.getAttribute('alt')).toBe('Map of the diversion from the A6 via the A34');
  await expect
    .poll(() => page.getByRole('textbox', { name: 'Body' }).textContent())
    .toContain('Follow the signs shown on this map.');
});

test('a file that is too large or not an image is explained, and nothing typed is lost', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Too big');
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await page.keyboard.type('Words I do not want to lose.');

  const picker = page.getByLabel('Image file');
  // From a file on disk: Chromium reads it itself. Handing 12 MB over as a buffer went through the DevTools
  // connection as base64 and could pass the 30-second action time-out on a loaded machine.
  const folder = mkdtempSync(join(tmpdir(), 'town-crier-huge-'));
  const huge = join(folder, 'huge.png');
  writeFileSync(huge, makePng(1, 1, [0, 0, 0], Math.round(12.4 * 1024 * 1024)));
  await picker.setInputFiles(huge);
  const alert = page.getByRole('alert');
  await expect
    .poll(() => alert.textContent())
    .toBe('This image is 12.4 MB. The largest image Town Crier accepts is 10 MB.');
  rmSync(folder, { recursive: true, force: true });

  await picker.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some text') });
  await expect.poll(() => alert.textContent(), SLOW).toMatch(/^"notes.png" is not a PNG, JPEG, GIF or WebP image/);
  expect(await body.locator('figure').count()).toBe(0);
  await expect.poll(() => body.textContent(), SLOW).toBe('Words I do not want to lose.');
  expect(MAX_IMAGE_BYTES).toBe(10 * 1024 * 1024);
});
