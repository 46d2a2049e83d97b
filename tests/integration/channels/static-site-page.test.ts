import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../../support/axe.ts';
import { launchChromium } from '../../support/chromium.ts';
import { clock, publish, settingsFor, source, tempFolders } from './static-site-fixtures.ts';

/**
 * A generated page and the index, opened in Debian Chromium straight from
 * disk (the folder works without a server because every link is relative),
 * checked with axe, and screenshotted for a person to look at.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const folders: ReturnType<typeof tempFolders>[] = [];
afterEach(() => folders.splice(0).forEach((f) => f.dispose()));

describe('static site pages in Chromium', () => {
  it('the article page and the index have no axe violations, and the image loads', async () => {
    const f = tempFolders();
    folders.push(f);
    mkdirSync(f.site);
    const settings = settingsFor(f.site);
    const time = clock();
    await publish(settings, source({ updateId: 'update-0', title: 'Library opening hours' }), { now: time.now });
    time.advance(86_400_000);
    const result = await publish(settings, source({ tags: ['bins', 'Waste & recycling'] }), {
      now: time.now,
      key: 'k2',
    });

    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    try {
      await page.goto(pathToFileURL(join(f.site, `news/${result.externalId ?? ''}/index.html`)).href);
      expect(await page.title()).toBe('Bin collections change – Borsetshire Council');
      expect(await page.locator('h1').innerText()).toBe('Bin collections change');
      const image = page.locator('main img');
      expect(await image.getAttribute('alt')).toBe('A green wheelie bin at the kerb');
      expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
      expect(await page.getByRole('list').filter({ hasText: 'bins' }).getByRole('listitem').allInnerTexts()).toEqual([
        'bins',
        'Waste & recycling',
      ]);
      expect(await axeViolations(page)).toEqual([]);
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/static-site-page.png', fullPage: true });
      // The skip link is the first thing the keyboard reaches.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');

      await page.goto(pathToFileURL(join(f.site, 'index.html')).href);
      const links = await page.locator('.updates h2 a').allInnerTexts();
      expect(links).toEqual(['Bin collections change', 'Library opening hours']);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
