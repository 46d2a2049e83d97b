import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations } from '../support/axe.ts';
import { startBlueskyEmulator, type BlueskyEmulator } from '../support/bluesky-emulator.ts';
import { useE2eApp } from '../support/e2e-app.ts';
import { startMastodonEmulator, type MastodonEmulator } from '../support/mastodon-emulator.ts';
import { callHost } from '../support/web-host.ts';
import { startXEmulator, type XEmulator } from '../support/x-emulator.ts';

/**
 * One update to every kind of channel at once (issue 8): the static website and
 * X, Bluesky and Mastodon, each played by its emulator (which checks what the
 * real service checks: OAuth 1.0a signatures, sessions, limits). The website
 * goes first and every social post links to the page it wrote.
 */
const app = useE2eApp({ hostArgs: ['--poll-ms', '200'] });
let x: XEmulator;
let bluesky: BlueskyEmulator;
let mastodon: MastodonEmulator;
let site: string;
const SITE_URL = 'https://news.example.gov.uk';

beforeAll(async () => {
  x = await startXEmulator();
  bluesky = await startBlueskyEmulator();
  mastodon = await startMastodonEmulator();
  site = mkdtempSync(join(tmpdir(), 'tc-everywhere-site-'));
});
afterAll(async () => {
  await x?.close();
  await bluesky?.stop();
  await mastodon?.stop();
  rmSync(site, { recursive: true, force: true });
});

test('publishes one update to the website, X, Bluesky and Mastodon; four delivered chips, and the posts link to the page', async () => {
  const admin = app.session();
  const connect = (input: unknown) => callHost(app.host(), 'channels.create', input, admin);
  await connect({
    kind: 'website.static',
    name: 'Council website',
    settings: { folder: site, siteUrl: SITE_URL, siteTitle: 'Borsetshire news' },
  });
  await connect({
    kind: 'social.x',
    name: 'Council X',
    settings: { apiBaseUrl: x.url },
    secrets: {
      api_key: x.account.consumerKey,
      api_secret: x.account.consumerSecret,
      access_token: x.account.token,
      access_secret: x.account.tokenSecret,
    },
  });
  await connect({
    kind: 'social.bluesky',
    name: 'Council Bluesky',
    settings: { handle: bluesky.handle, serviceUrl: bluesky.url },
    secrets: { app_password: bluesky.appPassword },
  });
  await connect({
    kind: 'social.mastodon',
    name: 'Council Mastodon',
    settings: { instanceUrl: mastodon.url },
    secrets: { access_token: mastodon.token },
  });

  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Library reopens on Monday');
  await page.getByLabel('Summary', { exact: true }).fill('Central Library reopens at 9am on Monday after repairs.');
  await page.getByRole('group', { name: 'Channels' }).getByLabel('Mastodon', { exact: true }).check();
  await app.approveOpenUpdate(page);
  const panel = page.getByRole('region', { name: 'Publish…' });
  for (const name of ['Council website', 'Council X', 'Council Bluesky', 'Council Mastodon']) {
    await panel.getByLabel(name, { exact: true }).check();
  }
  await panel.getByRole('button', { name: 'Publish…' }).click();
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
  await panel.getByRole('link', { name: 'Follow it in the queue' }).click();

  for (const name of ['Council website', 'Council X', 'Council Bluesky', 'Council Mastodon']) {
    await page.getByRole('region', { name: new RegExp(`^${name}: Delivered`) }).waitFor({ timeout: 30_000 });
  }
  const links = await page
    .locator('.delivery-card a[href^="http"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const article = `${SITE_URL}/news/library-reopens-on-monday/`;
  expect(links).toEqual(expect.arrayContaining([article]));
  expect(links.filter((href) => href !== article)).toHaveLength(3);
  await page.screenshot({ path: 'test-results/publish-everywhere.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  // Each network got one post, and each links to the article the website channel published.
  expect(x.tweets.map((t) => t.text)).toEqual([expect.stringContaining(article)]);
  // Bluesky carries the link as a link card for the article (text links need facets; the card is what readers tap).
  expect(bluesky.posts).toHaveLength(1);
  expect(bluesky.posts[0]?.embed).toMatchObject({ $type: 'app.bsky.embed.external', external: { uri: article } });
  expect(mastodon.statuses.map((s) => s.text)).toEqual([expect.stringContaining(article)]);

  // The queue list shows four delivered chips for it.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  const chips = page.locator('.chip');
  await expect
    .poll(() => chips.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-status'))))
    .toEqual(['delivered', 'delivered', 'delivered', 'delivered']);

  // A revoked token is not a silent failure: the delivery waits for a person, and the page says what to do.
  x.revokeToken();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Library car park closed on Tuesday');
  await page.getByLabel('Summary', { exact: true }).fill('The car park is closed for resurfacing all day Tuesday.');
  await app.approveOpenUpdate(page);
  const again = page.getByRole('region', { name: 'Publish…' });
  await again.getByLabel('Council X', { exact: true }).check();
  await again.getByRole('button', { name: 'Publish…' }).click();
  await again.getByRole('button', { name: 'Confirm and send' }).click();
  await again.getByRole('link', { name: 'Follow it in the queue' }).click();
  const xCard = page.getByRole('region', { name: /^Council X: Reconnect/ });
  await xCard.waitFor({ timeout: 30_000 });
  await expect.poll(() => xCard.textContent()).toContain('Reconnect this channel, then choose Retry.');
  // The in-app notification names the channel and the update, and links to the publication.
  await expect
    .poll(() => page.getByRole('list', { name: 'Notifications' }).textContent())
    .toContain('“Library car park closed on Tuesday” is waiting for Council X to be reconnected.');
  await page.screenshot({ path: 'test-results/publish-reconnect.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  expect(x.tweets).toHaveLength(1);
});
