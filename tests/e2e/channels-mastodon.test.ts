import { afterAll, beforeAll, expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp } from '../support/e2e-app.ts';
import { startMastodonEmulator, type MastodonEmulator } from '../support/mastodon-emulator.ts';
import { callHost } from '../support/web-host.ts';

/**
 * The Channels page with a channel that needs a token: connect Mastodon with
 * its access token through the form (tested before connecting), Test
 * connection shows the account, an approved update goes out to it, and
 * Disconnect (after a confirmation naming it) removes it from the list while
 * the queue keeps its history. The emulator checks the token as Mastodon does.
 */
const app = useE2eApp();
const TOKEN = 'e2e-mastodon-token-4b7e1d';
let emulator: MastodonEmulator;
beforeAll(async () => {
  emulator = await startMastodonEmulator({ token: TOKEN });
});
afterAll(() => emulator?.stop());

test('connects Mastodon with its token, tests it, publishes to it, and disconnects it', async () => {
  const page = await app.open();
  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  await page.getByRole('button', { name: 'Connect a channel' }).click();
  const form = page.getByRole('form', { name: 'Connect a channel' });
  await form.getByLabel('Kind of channel').selectOption({ label: 'Mastodon' });
  await form.getByLabel('Name', { exact: true }).fill('Council Mastodon');
  await form.getByLabel(/^Instance URL/).fill(emulator.url);
  const token = form.getByLabel('Access token', { exact: true });
  await expect(token.getAttribute('type')).resolves.toBe('password');
  await expect(token.inputValue()).resolves.toBe('');

  // Missing token: refused next to the field, before anything is sent.
  await form.getByRole('button', { name: 'Connect' }).click();
  await form.getByText('Access token: Enter the access token.').waitFor();
  await expect(token.getAttribute('aria-invalid')).resolves.toBe('true');

  // A wrong token: Test without saving says so, and nothing is stored.
  await token.fill('not-the-token');
  await form.getByRole('button', { name: 'Test without saving' }).click();
  await form.getByRole('status').filter({ hasText: 'Connection failed' }).waitFor();
  await token.fill(TOKEN);
  await form.getByRole('button', { name: 'Test without saving' }).click();
  await form.getByRole('status').filter({ hasText: 'Connection works: signed in as @borsetshire' }).waitFor();
  await page.screenshot({ path: 'test-results/channels-connect-mastodon.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  expect(await callHost(app.host(), 'secrets.list', {}, app.session())).toEqual([]);

  await form.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected “Council Mastodon”.' }).waitFor();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Council Mastodon' }) });
  await card.getByRole('button', { name: /^Test connection/ }).click();
  await card.getByRole('status').filter({ hasText: 'Connection works: signed in as @borsetshire' }).waitFor();
  await page.screenshot({ path: 'test-results/channels-mastodon-tested.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  const listed = await callHost(app.host(), 'channels.list', {}, app.session());
  expect(JSON.stringify(listed)).not.toContain(TOKEN);

  // Publish an approved update to it.
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Library reopens on Monday');
  await page.getByLabel('Summary', { exact: true }).fill('Doors open at 9am.');
  await app.approveOpenUpdate(page);
  const panel = page.getByRole('region', { name: 'Publish…' });
  await panel.getByLabel('Council Mastodon', { exact: true }).check();
  await panel.getByRole('button', { name: 'Publish…' }).click();
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
  await panel.getByRole('status').filter({ hasText: 'Queued for sending.' }).waitFor();
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  const chip = page.locator('.chip').filter({ hasText: 'Council Mastodon:' });
  await expect.poll(() => chip.getAttribute('data-status'), { timeout: 20_000 }).toBe('delivered');
  expect(emulator.statuses.map((s) => s.text.split('\n')[0])).toEqual([expect.stringContaining('Library reopens')]);

  // An author sees the channel and may test it, but cannot connect, replace or disconnect.
  const sam = { name: 'Sam Author', email: 'sam@council.example', password: 'a long author password' };
  await callHost(app.host(), 'people.create', { ...sam, roles: ['author'] }, app.session());
  const samSession = (await callHost<{ token: string }>(app.host(), 'auth.signIn', sam)).token;
  const authorPage = await app.open({ session: samSession });
  await authorPage.getByRole('link', { name: 'Channels', exact: true }).click();
  const authorCard = authorPage
    .getByRole('listitem')
    .filter({ has: authorPage.getByRole('heading', { name: 'Council Mastodon' }) });
  await authorCard.getByRole('button', { name: /^Test connection/ }).click();
  await authorCard.getByRole('status').filter({ hasText: 'Connection works' }).waitFor();
  await expect(authorCard.getByRole('button').allTextContents()).resolves.toEqual([
    'Test connection of Council Mastodon',
  ]);
  await expect(authorPage.getByRole('button', { name: 'Connect a channel' }).count()).resolves.toBe(0);
  expect(await axeViolations(authorPage)).toEqual([]);
  await authorPage.close();

  // Disconnect, after a confirmation naming the channel.
  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  await card.getByRole('button', { name: /^Disconnect/ }).click();
  const confirm = card.getByRole('group', { name: 'Confirm disconnecting Council Mastodon' });
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await card.getByRole('button', { name: /^Disconnect/ }).click();
  await page.screenshot({ path: 'test-results/channels-mastodon-disconnect.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await confirm.getByRole('button', { name: 'Yes, disconnect Council Mastodon' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'Disconnected “Council Mastodon”. Its passwords and tokens were deleted.' })
    .waitFor();
  await expect.poll(() => card.count()).toBe(0);
  expect(await callHost(app.host(), 'secrets.list', {}, app.session())).toEqual([]);
  // The queue still names it.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect.poll(() => chip.getAttribute('data-status')).toBe('delivered');
});
