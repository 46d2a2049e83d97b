import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Doc } from '../../shared/content/doc.ts';
import { measure } from '../../shared/channels/limits.ts';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { makePng } from '../support/images.ts';
import { startMastodonEmulator, type MastodonEmulator } from '../support/mastodon-emulator.ts';
import { callHost } from '../support/web-host.ts';

/**
 * The compose page with every preview (website, email HTML and plain text,
 * a card per social post with its counter) and the content checks naming
 * their places; the Mastodon counter counts against the connected instance's
 * own limit. The screenshots in docs/screenshots come from here.
 */
const app = useE2eApp();
/** Previews render a moment after typing (deferred); on a loaded CI machine that can take seconds. */
const SLOW = { timeout: 15_000 };
let emulator: MastodonEmulator;
beforeAll(async () => {
  emulator = await startMastodonEmulator({ maxCharacters: 1000 });
});
afterAll(() => emulator?.stop());

const text = (t: string, marks?: { type: 'bold' } | { type: 'link'; attrs: { href: string } }) => ({
  type: 'text' as const,
  text: t,
  ...(marks ? { marks: [marks] } : {}),
});
const para = (...content: ReturnType<typeof text>[]) => ({ type: 'paragraph' as const, content });

/** A body that trips most of the advice: vague link text, a skipped heading, capitals, a long sentence, http:. */
function bodyWith(mediaId: string): Doc {
  return {
    type: 'doc',
    content: [
      para(
        text('The A6 Wellington Road will be closed northbound from 8pm on Friday while we resurface the road. '),
        text('click here', { type: 'link', attrs: { href: 'http://www.example.gov.uk/roadworks' } }),
        text(' for the diversion map.'),
      ),
      { type: 'heading', attrs: { level: 3 }, content: [text('Diversion')] },
      para(
        text(
          'Drivers heading north should follow the signed diversion via the A34 Kingsway and the M60 and allow extra time because queues are likely at the Kingsway junction during the evening peak on Friday and on Saturday afternoon when the retail park is busy.',
        ),
      ),
      {
        type: 'image',
        attrs: {
          src: `media:${mediaId}`,
          alt: 'Map of the diversion via the A34',
          caption: 'The signed diversion, in blue',
        },
      },
      para(text('PLEASE DO NOT USE RESIDENTIAL STREETS AS A SHORTCUT.')),
    ],
  };
}

test('every preview and the checks, with the Mastodon counter at the instance’s own limit', async () => {
  const host = app.host();
  const admin = app.session();
  // Mastodon on an instance that allows 1,000 characters: Test connection learns it.
  const target = await callHost<{ id: string }>(
    host,
    'channels.create',
    {
      kind: 'social.mastodon',
      name: 'Council Mastodon',
      settings: { instanceUrl: emulator.url },
      secrets: { access_token: emulator.token },
    },
    admin,
  );
  expect(await callHost(host, 'channels.test', { targetId: target.id }, admin)).toMatchObject({
    ok: true,
    limits: { mastodonLimit: 1000 },
  });
  expect(await callHost(host, 'channels.list', {}, admin)).toMatchObject([{ knownLimits: { mastodonLimit: 1000 } }]);
  const media = await callHost<{ id: string }>(
    host,
    'media.add',
    { name: 'map.png', dataBase64: makePng(160, 90, [29, 112, 184]).toString('base64') },
    admin,
  );
  // Emoji that the test machine's fonts can draw (it has no colour-emoji font), so the screenshot shows them.
  const mastodonText = `${'Gritters are out tonight on all priority routes across the borough. '.repeat(10).trim()} #roadclosure ❄ ⚠ ☀`;
  const update = await callHost<{ id: string }>(
    host,
    'updates.create',
    {
      title: 'A6 Wellington Road closed northbound from 8pm Friday',
      summary: 'The A6 is closed northbound between Heaton Chapel and Stockport from 8pm Friday to 6am Monday.',
      body: bodyWith(media.id),
      channels: ['website', 'email', 'x', 'bluesky', 'mastodon'],
      variants: { mastodon: { text: mastodonText } },
    },
    admin,
  );

  const page = await app.open();
  await page.evaluate((id) => (window.location.hash = `#/updates/${id}`), update.id);
  await page.getByLabel('Title', { exact: true }).waitFor();

  // Mastodon: 700 characters, counted against this instance's 1,000, not the default 500.
  const used = measure('mastodon', mastodonText, { mastodonLimit: 1000 }).used;
  expect(used).toBeGreaterThan(500);
  await page.getByRole('tab', { name: /^Mastodon/ }).click();
  const card = page.getByRole('list', { name: 'Mastodon posts' }).getByRole('listitem');
  await expect.poll(() => card.count(), SLOW).toBe(1);
  await expect.poll(() => card.first().locator('.counter').textContent(), SLOW).toContain(`${used} / 1000`);
  const checks = page.getByRole('region', { name: 'Checks' });
  await expect.poll(() => checks.textContent(), SLOW).not.toMatch(/Must fix\s*Mastodon/);
  // Advice, each with its place (GOV.UK style).
  const findings = [
    /Advice\s*paragraph 1:\s*The link text "click here" does not say where the link goes\./,
    /Advice\s*paragraph 1:\s*A link starts with "http:", which is not secure\./,
    /Advice\s*heading 1:\s*This is a level 3 heading with no level 2 heading before it\./,
    /Advice\s*paragraph 2:\s*A sentence has 43 words/,
    /Advice\s*paragraph 3:\s*Words in capitals are harder to read: "PLEASE"/,
    /Advice\s*summary and body:\s*The estimated reading age is \d+\. Aim for 9 to 11\./,
    /Advice\s*Mastodon post:\s*Write hashtags in CamelCase so screen readers can read them: #roadclosure\./,
    /Advice\s*Mastodon post:\s*Mastodon post has 3 emoji\./,
  ];
  for (const finding of findings) await expect.poll(() => checks.textContent(), SLOW).toMatch(finding);
  await waitForSaved(page);
  await page.screenshot({ path: 'test-results/compose-mastodon-checks.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  // Bluesky: its own card and counter (graphemes of 300).
  await page.getByRole('tab', { name: /^Bluesky/ }).click();
  const bluesky = page.getByRole('list', { name: 'Bluesky posts' }).getByRole('listitem');
  await expect.poll(() => bluesky.first().locator('.counter').textContent(), SLOW).toMatch(/\d+ \/ 300/);

  // The website article: the image with its caption.
  await page.getByRole('tab', { name: 'Website' }).click();
  await expect
    .poll(() => page.locator('.article-frame figure figcaption').textContent(), SLOW)
    .toBe('The signed diversion, in blue');
  await page.screenshot({ path: 'test-results/compose-website.png', fullPage: true });

  // The email, HTML in its sandboxed frame, then the plain-text part.
  await page.getByRole('tab', { name: 'Email' }).click();
  const frame = page.frameLocator('iframe[title="Email preview"]');
  await expect.poll(() => frame.locator('figcaption').textContent(), SLOW).toBe('The signed diversion, in blue');
  await page.screenshot({ path: 'test-results/compose-email-html.png', fullPage: true });
  await page.getByRole('tab', { name: 'Plain text' }).click();
  await expect
    .poll(() => page.locator('.email-text').textContent(), SLOW)
    .toContain('[Image: Map of the diversion via the A34]\nThe signed diversion, in blue');
  await page.screenshot({ path: 'test-results/compose-email-text.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
});
