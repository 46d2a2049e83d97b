import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { startHttpSink, type HttpSink } from '../support/http-sink-server.ts';
import { callHost } from '../support/web-host.ts';

/**
 * The queue's remaining screens in Chromium against the real web host and its
 * worker: filter counts kept live and kept in the address, in-app
 * notifications, the channel card's status and "Edit settings", and "Remove
 * from the website" through the real static-site adapter.
 */
const app = useE2eApp({ hostArgs: ['--channels-module', 'tests/support/http-sink-channel.ts', '--poll-ms', '200'] });
const site = mkdtempSync(join(tmpdir(), 'town-crier-retract-site-'));
let faulty: HttpSink;
beforeAll(async () => {
  faulty = await startHttpSink();
});
afterAll(async () => {
  await faulty.stop();
  rmSync(site, { recursive: true, force: true });
});

async function connectSite(page: Page) {
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
}

async function writeApprovedUpdate(page: Page, title: string, summary: string) {
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Summary', { exact: true }).fill(summary);
  await waitForSaved(page);
  await app.approveOpenUpdate(page);
}

async function publishTo(page: Page, channel: string) {
  const panel = page.getByRole('region', { name: 'Publish…' });
  await panel.getByLabel(channel, { exact: true }).check();
  await panel.getByRole('button', { name: 'Publish…' }).click();
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
}

const pageFolders = () =>
  existsSync(join(site, 'news'))
    ? readdirSync(join(site, 'news'), { withFileTypes: true }).filter((d) => d.isDirectory())
    : [];

test('channel card status and Edit settings; publish to the static site, then remove it from the website', async () => {
  const page = await app.open();
  await connectSite(page);
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Council website' }) });
  await expect(card.locator('.channel-health').textContent()).resolves.toContain('Not tested');
  await card.getByRole('button', { name: 'Test connection' }).click();
  await card.locator('.channel-health-connected').waitFor();
  await expect(card.locator('.channel-health').textContent()).resolves.toMatch(/Connected · last tested/);

  // Edit settings: the generated form, filled in with what is stored; a bad value is named by the core.
  app.allowConsoleErrors(/status of 400 \(Bad Request\)/); // the refused save is a 400 response
  await card.getByRole('button', { name: 'Edit settings' }).click();
  const edit = page.getByRole('form', { name: 'Edit the settings of Council website' });
  await expect(edit.getByLabel('Folder', { exact: true }).inputValue()).resolves.toBe(site);
  await expect(edit.getByLabel('Site title', { exact: true }).inputValue()).resolves.toBe('Stockport news');
  await edit.getByLabel('Folder', { exact: true }).fill('relative/folder');
  await edit.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(() => edit.locator('.error-text').first().textContent()).toMatch(/^Folder: /);
  await edit.getByLabel('Folder', { exact: true }).fill(site);
  await edit.getByLabel('Site title', { exact: true }).fill('Stockport Council news');
  await page.screenshot({ path: 'test-results/channel-edit.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await edit.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved the settings of “Council website”.' }).waitFor();
  // New settings have not been tested yet (the list is read again after saving).
  await expect.poll(() => card.locator('.channel-health').textContent()).toContain('Not tested');

  // An approval stays valid after a channel's settings change (they say where, not what)...
  await writeApprovedUpdate(page, 'Fete cancelled', 'The summer fete on Saturday is cancelled because of the weather.');
  // ...but an app setting that changes what the channels receive makes publishing refuse until re-approved.
  await callHost(app.host(), 'settings.update', { organisationName: 'Stockport Council' }, app.session());
  app.allowConsoleErrors(/status of 409 \(Conflict\)/);
  await publishTo(page, 'Council website');
  const panel = page.getByRole('region', { name: 'Publish…' });
  await panel
    .getByRole('alert')
    .filter({ hasText: 'What the channels would receive is no longer what was approved' })
    .waitFor();
  await callHost(app.host(), 'settings.update', { organisationName: 'Your council' }, app.session());
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
  await panel.getByRole('status').filter({ hasText: 'Queued for sending.' }).waitFor();
  await panel.getByRole('link', { name: 'Follow it in the queue' }).click();
  await page.getByRole('region', { name: /Council website: Delivered/ }).waitFor({ timeout: 60_000 });
  expect(pageFolders()).toHaveLength(1);
  expect(readFileSync(join(site, 'feed.xml'), 'utf8')).toContain('Fete cancelled');

  // Remove from the website: a confirmation dialog, then the page and its feed entry are gone.
  await page.getByRole('button', { name: /^Remove from the website/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove “Fete cancelled” from the website?' });
  await dialog.waitFor();
  await page.screenshot({ path: 'test-results/retract.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(pageFolders()).toHaveLength(1);
  // The site refuses (its folder has gone): the dialog says why, and nothing changes.
  app.allowConsoleErrors(/status of 409 \(Conflict\)/);
  renameSync(site, `${site}-moved`);
  await page.getByRole('button', { name: /^Remove from the website/ }).click();
  await dialog.getByRole('button', { name: 'Yes, remove it' }).click();
  await dialog
    .getByRole('alert')
    .filter({ hasText: /^Council website could not remove it: The site folder .+ does not exist\./ })
    .waitFor();
  renameSync(`${site}-moved`, site);
  await dialog.getByRole('button', { name: 'Yes, remove it' }).click();
  await page.getByRole('status').filter({ hasText: 'Removed from Council website.' }).waitFor();
  const removed = page.getByRole('region', { name: /Council website: Removed/ });
  await removed.waitFor();
  await expect(removed.textContent()).resolves.toMatch(
    /Removed from Council website on .+\(it was at http:\/\/localhost:8080\/news\//,
  );
  await expect(page.getByRole('list', { name: 'Timeline for Council website' }).textContent()).resolves.toContain(
    'Removed from Council website (by a person)',
  );
  await expect(page.getByRole('button', { name: /^Remove from the website/ }).count()).resolves.toBe(0);
  expect(pageFolders()).toHaveLength(0);
  expect(readFileSync(join(site, 'feed.xml'), 'utf8')).not.toContain('Fete cancelled');
  expect(readFileSync(join(site, 'index.html'), 'utf8')).not.toContain('Fete cancelled');
  expect(await axeViolations(page)).toEqual([]);
}, 240_000);

test('a failed delivery notifies in the app; filters show live counts and survive a reload', async () => {
  faulty.behave(() => ({ kind: 'status', status: 422, body: JSON.stringify({ error: 'Title is too long' }) }));
  app.allowConsoleErrors(/status of 400 \(Bad Request\)/);
  const page = await app.open();
  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  await page.getByRole('button', { name: 'Connect a channel' }).click();
  const form = page.getByRole('form', { name: 'Connect a channel' });
  await form.getByLabel('Kind of channel').selectOption('test.sink');
  await form.getByLabel('Name').fill('Social');
  await form.getByLabel('URL', { exact: true }).fill(faulty.url);
  await form.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected “Social”.' }).waitFor();

  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  const failedFilter = page.getByRole('button', { name: /^Failed/ });
  await expect.poll(() => failedFilter.textContent()).toBe('Failed (0)');
  const allBefore = Number(
    /\((\d+)\)/.exec((await page.getByRole('button', { name: /^All/ }).textContent()) ?? '')?.[1],
  );

  await writeApprovedUpdate(page, 'Library hours change', 'Central Library opens at 10am from Monday.');
  await publishTo(page, 'Social');
  await page.getByRole('region', { name: 'Publish…' }).getByRole('status').filter({ hasText: 'Queued' }).waitFor();

  // The notification: announced politely, listed with a link to the publication, dismissible.
  const notifications = page.getByRole('list', { name: 'Notifications' });
  const notice = notifications
    .getByRole('listitem')
    .filter({ hasText: 'Social: “Library hours change” failed to send.' });
  await notice.waitFor({ timeout: 60_000 });
  await expect(page.locator('.delivery-notice-region [role="status"]').textContent()).resolves.toBe(
    'Social: “Library hours change” failed to send.',
  );
  await notice.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/notification.png' });
  expect(await axeViolations(page)).toEqual([]);
  await notice.getByRole('link', { name: 'Open the publication' }).click();
  await page.getByRole('region', { name: /Social: Failed/ }).waitFor();
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notifications.count()).resolves.toBe(0);

  // The counts moved live (delivery.changed), and the filter is in the address.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect.poll(() => failedFilter.textContent(), { timeout: 30_000 }).toBe('Failed (1)');
  await expect(page.getByRole('button', { name: /^All/ }).textContent()).resolves.toBe(`All (${allBefore + 1})`);
  await failedFilter.click();
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/queue?filter=failed');
  await expect(failedFilter.getAttribute('aria-pressed')).resolves.toBe('true');
  // Focus stays on the filter that was pressed (the page does not jump to the top).
  await expect(failedFilter.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  await expect.poll(() => page.getByRole('list', { name: 'Publications' }).getByRole('listitem').count()).toBe(1);
  await page.reload();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  await expect.poll(() => failedFilter.getAttribute('aria-pressed')).toBe('true');
  await expect.poll(() => page.getByRole('list', { name: 'Publications' }).getByRole('listitem').count()).toBe(1);
  await expect(
    page.getByRole('list', { name: 'Publications' }).getByRole('link', { name: 'Library hours change' }).count(),
  ).resolves.toBe(1);
  await page.screenshot({ path: 'test-results/queue-filters.png' });
  expect(await axeViolations(page)).toEqual([]);

  // Disconnected, the channel stays listed (the queue's history names it) with its status and the next step.
  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Social' }) });
  await card.getByRole('button', { name: /^Disconnect/ }).click();
  await card.getByRole('button', { name: 'Yes, disconnect Social' }).click();
  const table = page.getByRole('table', { name: /^Disconnected channels/ });
  await table.waitFor();
  await expect(table.getByRole('row', { name: /Social/ }).textContent()).resolves.toContain(
    'DisconnectedIt was disconnected',
  );
  await page.screenshot({ path: 'test-results/channels-disconnected.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
}, 240_000);
