import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright';
import { launchChromium } from '../support/chromium.ts';
import { startWebHost, type RunningWebHost } from '../support/web-host.ts';

let host: RunningWebHost;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  host = await startWebHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync('test-results', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

test('writes an update with bold text and a link, and finds it intact after a reload', async () => {
  await page.goto(host.url);
  // The token moves out of the address bar into session storage.
  await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false);
  await page.getByRole('heading', { name: 'Updates' }).waitFor();
  await expect(page.getByText('No updates yet')).toBeTruthy();

  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('A6 Wellington Road closed northbound');
  await page.getByLabel('Summary', { exact: true }).fill('Closed from 8pm on Friday for resurfacing.');

  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await page.keyboard.type('The road is ');
  await page.keyboard.press('Control+b');
  await page.keyboard.type('closed all weekend');
  await page.keyboard.press('Control+b');
  await page.keyboard.type('. See the ');
  // Add a link from the keyboard shortcut, with the toolbar's link form.
  await page.keyboard.press('Control+k');
  const linkInput = page.getByLabel('Link to');
  await linkInput.fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Add link' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Use a web address starting https://' }).isVisible(),
  ).resolves.toBe(true);
  await linkInput.fill('www.stockport.gov.uk/roadworks');
  await linkInput.press('Enter');
  await page.keyboard.type(' page.');

  await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/^✓ Saved today/);
  await page.screenshot({ path: 'test-results/editor.png' });

  await page.reload();
  await page.goto(`${host.origin}/#/updates`);
  const row = page.getByRole('listitem').filter({ hasText: 'A6 Wellington Road closed northbound' });
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain('Closed from 8pm on Friday for resurfacing.');
  await page.screenshot({ path: 'test-results/updates-list.png' });

  await row.getByRole('link').click();
  const reopened = page.getByRole('textbox', { name: 'Body' });
  await reopened.waitFor();
  await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe(
    'A6 Wellington Road closed northbound',
  );
  await expect(reopened.locator('strong').textContent()).resolves.toBe('closed all weekend');
  await expect(reopened.locator('a').getAttribute('href')).resolves.toBe('https://www.stockport.gov.uk/roadworks');
  await expect(reopened.locator('a').textContent()).resolves.toBe('https://www.stockport.gov.uk/roadworks');
  await expect(reopened.innerText()).resolves.toContain(
    'The road is closed all weekend. See the https://www.stockport.gov.uk/roadworks page.',
  );
  await page.screenshot({ path: 'test-results/reopened.png' });
  expect(consoleErrors).toEqual([]);
});
