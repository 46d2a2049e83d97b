import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { callHost } from '../support/web-host.ts';

/** The built-in website adapter, through the whole UI: connect, publish, watch, and read the page it wrote. */
const app = useE2eApp();
const site = mkdtempSync(join(tmpdir(), 'town-crier-site-'));
afterAll(() => rmSync(site, { recursive: true, force: true }));

/** A file's text, or `fallback` while it is not there yet. */
function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

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
  await expect.poll(() => chip.getAttribute('data-status'), { timeout: 45_000 }).toBe('delivered');
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
}, 120_000);

test('a published update is corrected from the UI: "Publish correction…" replaces the page at the same address', async () => {
  // The "Council website" channel connected by the test above.
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Swimming pool reopens on Monday');
  await page.getByLabel('Summary', { exact: true }).fill('The pool at Borchester Leisure Centre reopens.');
  await waitForSaved(page);
  const updateId = /#\/updates\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
  // Tags are set while it is a draft (they decide how many approvals it needs); the page shows them.
  await callHost(app.host(), 'review.setTags', { updateId, tags: ['leisure', 'swimming'] }, app.session());
  await app.approveOpenUpdate(page);
  const panel = page.getByRole('region', { name: 'Publish…' });
  await panel.getByLabel('Council website', { exact: true }).check();
  await panel.getByRole('button', { name: 'Publish…' }).click();
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
  await panel.getByRole('status').filter({ hasText: 'Queued for sending.' }).waitFor();

  const slug = 'swimming-pool-reopens-on-monday';
  const pageFile = join(site, 'news', slug, 'index.html');
  const readPage = () => readOr(pageFile, '');
  const feedItem = () =>
    (
      JSON.parse(readOr(join(site, 'feed.json'), '{"items":[]}')) as {
        items: { id: string; title: string; tags?: string[]; date_published: string; date_modified: string }[];
      }
    ).items.find((i) => i.id.endsWith(`/news/${slug}/`));
  // The page is written first, the feeds after it: once the feed has the item, the page is there too.
  await expect.poll(() => feedItem()?.title, { timeout: 45_000 }).toBe('Swimming pool reopens on Monday');
  expect(readPage()).toContain('Swimming pool reopens on Monday');
  const first = feedItem();
  expect(first).toMatchObject({ title: 'Swimming pool reopens on Monday', tags: ['leisure', 'swimming'] });

  // The correction: a new version, approved again, then "Publish correction…" on the same channel.
  await page.reload();
  await page.getByLabel('Title', { exact: true }).fill('Swimming pool reopens on Tuesday');
  await page.getByLabel('Summary', { exact: true }).fill('The pool reopens a day later than we said.');
  await app.approveOpenUpdate(page);
  const correction = panel.getByRole('button', { name: 'Publish correction…' });
  await correction.waitFor({ timeout: 45_000 });
  // (Autosave may have made more than one version before the first publication.)
  await expect(panel.textContent()).resolves.toMatch(
    /Already published to Council website \(version \d+\)\. Publish this/,
  );
  await page.screenshot({ path: 'test-results/publish-correction.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await correction.click();
  const confirm = panel.getByRole('group', { name: 'Confirm publishing' });
  await expect(confirm.textContent()).resolves.toMatch(/will be corrected now on:\s*Council website/);
  await confirm.getByRole('button', { name: 'Confirm correction' }).click();
  await panel.getByRole('status').filter({ hasText: 'Queued for sending.' }).waitFor();

  // Same address, the page replaced, "Updated" shown; the feed item keeps its id with a later date.
  await expect.poll(() => feedItem()?.title, { timeout: 45_000 }).toBe('Swimming pool reopens on Tuesday');
  expect(readPage()).toContain('Swimming pool reopens on Tuesday');
  expect(readdirSync(join(site, 'news')).filter((d) => d.startsWith('swimming-pool'))).toEqual([slug]);
  const corrected = feedItem();
  expect(corrected?.id).toBe(first?.id);
  expect(corrected?.date_published).toBe(first?.date_published);
  expect(Date.parse(corrected?.date_modified ?? '')).toBeGreaterThan(Date.parse(first?.date_modified ?? ''));

  const article = await app.browser().newPage({ viewport: { width: 1000, height: 900 } });
  await article.goto(pathToFileURL(pageFile).href);
  await expect(article.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
    'Swimming pool reopens on Tuesday',
  );
  await expect(article.locator('.dates').textContent()).resolves.toContain('Updated');
  await expect(article.locator('ul.tags li').allInnerTexts()).resolves.toEqual(['leisure', 'swimming']);
  expect(await axeViolations(article)).toEqual([]);
  await article.screenshot({ path: 'test-results/static-site-page-corrected.png', fullPage: true });
  await article.close();
}, 120_000);
