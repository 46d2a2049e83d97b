import { expect, test, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { startHttpSink, type HttpSink } from '../support/http-sink-server.ts';

/**
 * The queue end to end: the real web host runs its in-process worker with the
 * HTTP sink channel loaded through `--channels-module`, and two real sink
 * servers stand in for the channels' APIs (one healthy, one that refuses).
 */
const app = useE2eApp({ hostArgs: ['--channels-module', 'tests/support/http-sink-channel.ts', '--poll-ms', '200'] });

let healthy: HttpSink;
let faulty: HttpSink;
beforeAll(async () => {
  healthy = await startHttpSink();
  faulty = await startHttpSink();
});
afterAll(async () => {
  await healthy.stop();
  await faulty.stop();
});

const LONG_SUMMARY =
  'The A6 Wellington Road will be closed northbound between Heaton Chapel and Stockport town centre from 8pm on ' +
  'Friday 27 November until 6am on Monday 30 November while we resurface the road and replace drains. ' +
  'Follow the signed diversion via the A34 and allow extra time. Buses 192 and 92 will be diverted.';

async function connect(page: Page, name: string, url: string) {
  await page.getByRole('button', { name: 'Connect a channel' }).click();
  const form = page.getByRole('form', { name: 'Connect a channel' });
  await form.getByLabel('Kind of channel').selectOption('test.sink');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('URL', { exact: true }).fill(url);
  await form.getByRole('button', { name: 'Connect' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Connected “${name}”.` })
    .waitFor();
}

async function writeUpdate(page: Page, title: string, summary: string) {
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Summary', { exact: true }).fill(summary);
  await waitForSaved(page);
}

async function publishNow(page: Page, channels: string[]) {
  const panel = page.getByRole('region', { name: 'Publish…' });
  for (const c of channels) await panel.getByLabel(c, { exact: true }).check();
  await panel.getByRole('button', { name: 'Publish…' }).click();
  await expect(
    panel.getByRole('group', { name: 'Confirm publishing' }).getByRole('listitem').allTextContents(),
  ).resolves.toEqual([...channels].sort());
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
}

const chip = (page: Page, name: string) => page.locator('.chip').filter({ hasText: `${name}:` });

/** Waits (up to a minute) until the chip of `name` shows its final `status`, rather than polling briefly. */
const finalChip = (page: Page, name: string, status: string) =>
  page
    .locator(`.chip[data-status="${status}"]`)
    .filter({ hasText: `${name}:` })
    .waitFor({ timeout: 60_000 });

test('connect channels, publish to two working and one failing channel, watch it live, and retry the failed one', async () => {
  faulty.behave(() => ({ kind: 'status', status: 422, body: JSON.stringify({ error: 'Title is too long' }) }));
  // Chromium logs each refused call (a bad channel setting, the pre-send check) as a failed 400 request.
  app.allowConsoleErrors(/status of 400 \(Bad Request\)/);
  const page = await app.open();
  await expect.poll(() => page.locator('.status-bar').textContent()).toContain('Worker running');

  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor();
  // A wrong setting is refused by the adapter's schema and named beside its field.
  await page.getByRole('button', { name: 'Connect a channel' }).click();
  const form = page.getByRole('form', { name: 'Connect a channel' });
  await form.getByLabel('Kind of channel').selectOption('test.sink');
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(form.textContent()).resolves.toContain('Name: Give the channel a name');
  await expect(form.textContent()).resolves.toContain('URL: Enter url');
  await form.getByLabel('Name').fill('Broken');
  await form.getByLabel('URL', { exact: true }).fill('ftp://example.org');
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect.poll(() => form.locator('.error-text').first().textContent()).toMatch(/^URL: /);
  await page.screenshot({ path: 'test-results/channels-connect-error.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Cancel' }).click();

  await connect(page, 'Website', healthy.url);
  await connect(page, 'Bluesky', healthy.url);
  await connect(page, 'Mastodon', faulty.url);
  await expect.poll(() => page.getByRole('list', { name: 'Connected channels' }).getByRole('listitem').count()).toBe(3);
  await page.screenshot({ path: 'test-results/channels.png', fullPage: true });

  // The core refuses to take an update that fails its checks (posts over their limits) for approval.
  await writeUpdate(page, 'A6 Wellington Road closed northbound', LONG_SUMMARY);
  const approval = page.getByRole('region', { name: 'Approval' });
  await approval.getByRole('button', { name: 'Submit for approval' }).click();
  await expect
    .poll(() => approval.getByRole('alert').textContent())
    .toMatch(/^Fix these 2 problems before submitting: X post: X post has \d+ characters/);
  await page.screenshot({ path: 'test-results/publish-refused.png', fullPage: true });
  // Fix it: the X post becomes a numbered thread, and this update does not go to Bluesky's channel kind.
  await page.getByRole('tab', { name: /^X/ }).click();
  await page.getByRole('button', { name: 'Split into a numbered thread' }).click();
  await page.getByRole('group', { name: 'Channels' }).getByLabel('Bluesky', { exact: true }).uncheck();
  await app.approveOpenUpdate(page);
  await publishNow(page, ['Website', 'Bluesky', 'Mastodon']);
  await page
    .getByRole('region', { name: 'Publish…' })
    .getByRole('status')
    .filter({ hasText: 'Queued for sending.' })
    .waitFor();

  // The queue page: chips change live, through delivery.changed, without a reload.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
  // Wait for each chip's final state, generously: under load the worker's passes and the events can be slow.
  await finalChip(page, 'Website', 'delivered');
  await finalChip(page, 'Bluesky', 'delivered');
  await finalChip(page, 'Mastodon', 'failed');
  await expect(chip(page, 'Mastodon').textContent()).resolves.toBe(' Mastodon: Failed');
  await page.getByRole('button', { name: 'Failed' }).click();
  await expect(page.getByRole('button', { name: 'Failed' }).getAttribute('aria-pressed')).resolves.toBe('true');
  await expect.poll(() => page.getByRole('list', { name: 'Publications' }).getByRole('listitem').count()).toBe(1);
  await page.screenshot({ path: 'test-results/queue-failed.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  // The detail: the timeline in plain English, links to what went out, and Retry for the failed channel only.
  await page.getByRole('link', { name: 'A6 Wellington Road closed northbound' }).click();
  const mastodon = page.getByRole('region', { name: /Mastodon: Failed/ });
  await expect(mastodon.textContent()).resolves.toContain('Title is too long');
  await expect(mastodon.getByRole('list', { name: 'Timeline for Mastodon' }).textContent()).resolves.toContain(
    'Attempt 1: refused by the channel',
  );
  const website = page.getByRole('region', { name: /Website: Delivered/ });
  await expect(website.getByRole('link').getAttribute('href')).resolves.toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\//);
  await expect(website.getByRole('button').count()).resolves.toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  faulty.behave(() => ({ kind: 'ok' }));
  await mastodon.getByRole('button', { name: 'Retry Mastodon' }).click();
  await page.getByRole('status').filter({ hasText: 'Done: Mastodon is now queued.' }).waitFor();
  await page.getByRole('region', { name: /Mastodon: Delivered/ }).waitFor({ timeout: 60_000 });
  await expect(page.getByRole('list', { name: 'Timeline for Mastodon' }).textContent()).resolves.toContain(
    'Attempt 2: delivered',
  );
  await page.screenshot({ path: 'test-results/queue-detail-retried.png', fullPage: true });
  expect(faulty.posts).toHaveLength(1);
  expect(healthy.posts).toHaveLength(2);
  // Its own budget: each final state may take up to a minute under CI load.
}, 240_000);

test('an unconfirmed delivery is never re-sent by itself, and a person settles it with "It went out"', async () => {
  healthy.behave(() => ({ kind: 'drop' }));
  const page = await app.open();
  await writeUpdate(page, 'Library hours change', 'Central Library opens at 10am from Monday.');
  await app.approveOpenUpdate(page);
  await publishNow(page, ['Website']);
  await page.getByRole('region', { name: 'Publish…' }).getByRole('link', { name: 'Follow it in the queue' }).click();
  const website = page.getByRole('region', { name: /Website: Unconfirmed/ });
  await website.waitFor({ timeout: 15_000 });
  await expect(website.textContent()).resolves.toContain('not known whether it went out');
  // The in-app notice (the web host has no desktop notifications).
  await expect.poll(() => page.locator('.delivery-notice').textContent()).toContain('could not be confirmed');
  const sent = healthy.posts.at(-1);
  if (!sent) throw new Error('the sink kept no post');
  await website.getByLabel('Link to the published item on Website').fill(sent.url);
  await website.getByRole('button', { name: 'It went out' }).click();
  await page.getByRole('region', { name: /Website: Delivered/ }).waitFor();
  await expect(
    page
      .getByRole('region', { name: /Website: Delivered/ })
      .getByRole('link')
      .getAttribute('href'),
  ).resolves.toBe(sent.url);
  await page.screenshot({ path: 'test-results/queue-unconfirmed-resolved.png', fullPage: true });
  expect(healthy.requests.filter((r) => r.title === 'Library hours change')).toHaveLength(1);
});
