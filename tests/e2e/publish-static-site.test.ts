import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp } from '../support/e2e-app.ts';

/** The built-in website adapter, through the whole UI: connect, publish, watch, and read the page it wrote. */
const app = useE2eApp();
const site = mkdtempSync(join(tmpdir(), 'town-crier-site-'));
afterAll(() => rmSync(site, { recursive: true, force: true }));

test('connects a static website, publishes an update to it, and the page it wrote opens in a browser', async () => {
  const page = await app.open();
  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  await page.getByRole('button', { name: 'Connect a channel' }).click();
  const form = page.getByRole('form', { name: 'Connect a channel' });
  await form.getByLabel('Kind of channel').selectOption({ label: 'Website (static files)' });
  await form.getByLabel('Name').fill('Council website');
  await form.getByLabel('Folder', { exact: true }).fill(site);
  await form.getByLabel('Site URL', { exact: true }).fill('http://localhost:8080');
  await form.getByLabel('Site title', { exact: true }).fill('Stockport news');
  await form.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected “Council website”.' }).waitFor();
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Bin collections move after Christmas');
  await page.getByLabel('Summary', { exact: true }).fill('Collections move by one day from 28 December.');
  await app.approveOpenUpdate(page);
  const panel = page.getByRole('region', { name: 'Publish…' });
  await panel.getByLabel('Council website', { exact: true }).check();
  await panel.getByRole('button', { name: 'Publish…' }).click();
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
  await panel.getByRole('status').filter({ hasText: 'Queued for sending.' }).waitFor();

  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  const chip = page.locator('.chip').filter({ hasText: 'Council website:' });
  await expect.poll(() => chip.getAttribute('data-status'), { timeout: 15_000 }).toBe('delivered');
  await page.screenshot({ path: 'test-results/queue-static-site.png' });
  expect(await axeViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'Bin collections move after Christmas' }).click();
  const card = page.getByRole('region', { name: /Council website: Delivered/ });
  const href = await card.getByRole('link').getAttribute('href');
  expect(href).toMatch(/^http:\/\/localhost:8080\/news\/[a-z0-9-]+\/?$/);
  await expect(card.getByRole('list', { name: 'Timeline for Council website' }).textContent()).resolves.toContain(
    'Attempt 1: delivered',
  );
  await page.screenshot({ path: 'test-results/queue-static-site-detail.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  // The page the adapter wrote, opened from the folder as a browser would from the web server.
  const slugs = readdirSync(join(site, 'news'), { withFileTypes: true }).filter((d) => d.isDirectory());
  expect(slugs).toHaveLength(1);
  const slug = slugs[0]?.name ?? '';
  expect(href).toContain(slug);
  const article = await app.browser().newPage();
  await article.goto(pathToFileURL(join(site, 'news', slug, 'index.html')).href);
  await expect(article.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
    'Bin collections move after Christmas',
  );
  await article.screenshot({ path: 'test-results/queue-published-static-page.png', fullPage: true });
  await article.close();
});
