import { expect, test } from 'vitest';
import { measure } from '../../shared/channels/limits.ts';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';

const app = useE2eApp();
/** Previews render a moment after typing (deferred); on a loaded CI machine that can take seconds. */
const SLOW = { timeout: 15_000 };

const TITLE = 'A6 Wellington Road closed northbound from 8pm Friday';
const SUMMARY =
  'The A6 Wellington Road will be closed northbound between Heaton Chapel and Stockport town centre from 8pm on ' +
  'Friday 27 November until 6am on Monday 30 November while we resurface the road and replace drains. ' +
  'Follow the signed diversion via the A34 and allow extra time. Buses 192 and 92 will be diverted.';

test('a long update: the X counter is exact, the thread split makes every post fit, and the preview shows each post', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill(TITLE);
  await page.getByLabel('Summary', { exact: true }).fill(SUMMARY);
  await page.getByRole('tab', { name: /^X/ }).click();

  const posts = page.getByRole('list', { name: 'X posts' }).getByRole('listitem');
  await expect.poll(() => posts.count(), SLOW).toBe(1);
  const single = (await posts.first().locator('.post-text').textContent()) ?? '';
  expect(single).toContain(TITLE);
  expect(single).toContain('https://www.example.gov.uk/news/a6-wellington-road-closed-northbound-from-8pm-friday');
  const expected = measure('x', single);
  expect(expected.ok).toBe(false);
  await expect.poll(() => posts.first().locator('.counter').textContent(), SLOW).toContain(`${expected.used} / 280`);
  await expect.poll(() => page.getByRole('tab', { name: 'X: over limit' }).count(), SLOW).toBe(1);
  const checks = page.getByRole('region', { name: 'Checks' });
  await expect.poll(() => checks.textContent(), SLOW).toMatch(/Must fix\s*X post/);

  await page.getByRole('button', { name: 'Split into a numbered thread' }).click();
  await expect.poll(() => posts.count(), SLOW).toBeGreaterThan(1);
  const count = await posts.count();
  for (let i = 0; i < count; i++) {
    const text = (await posts.nth(i).locator('.post-text').textContent()) ?? '';
    const m = measure('x', text);
    expect(m.ok).toBe(true);
    expect(text).toMatch(new RegExp(` ${i + 1}/${count}$`));
    await expect.poll(() => posts.nth(i).locator('.counter').textContent(), SLOW).toContain(`${m.used} / 280`);
  }
  // The link is never cut between posts.
  const all = (await posts.locator('.post-text').allTextContents()).join('\n');
  expect(all).toContain('https://www.example.gov.uk/news/a6-wellington-road-closed-northbound-from-8pm-friday');
  await expect.poll(() => page.getByRole('tab', { name: `X ${count} posts` }).count(), SLOW).toBe(1);
  await expect.poll(() => checks.textContent(), SLOW).not.toMatch(/Must fix\s*X post/);
  await waitForSaved(page);
  await page.screenshot({ path: 'test-results/compose-x-thread.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  // The choice is part of the saved update.
  await page.reload();
  await page.getByRole('tab', { name: `X ${count} posts` }).click();
  await expect.poll(() => posts.count(), SLOW).toBe(count);
});

test('editing a variant marks it edited, survives master edits, and resets to the master', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Library hours change');
  await page.getByRole('tab', { name: /^Bluesky/ }).click();
  await page.getByRole('button', { name: 'Edit Bluesky text' }).click();
  await page.getByLabel('Bluesky text').fill('Central Library opens at 10am from Monday 👨‍👩‍👧‍👦');
  const counter = page.locator('.social-preview .field .counter');
  // Bluesky counts graphemes: the family emoji is one.
  await expect.poll(() => counter.textContent(), SLOW).toContain('43 / 300');
  await expect.poll(() => page.getByText('Edited for Bluesky').count(), SLOW).toBe(1);
  await page.getByLabel('Title', { exact: true }).fill('Library hours change from Monday');
  const post = page.getByRole('list', { name: 'Bluesky posts' }).locator('.post-text');
  await expect.poll(() => post.textContent(), SLOW).toBe('Central Library opens at 10am from Monday 👨‍👩‍👧‍👦');
  await page.getByRole('button', { name: 'Reset to master' }).click();
  await expect.poll(() => post.textContent(), SLOW).toContain('Library hours change from Monday');
  await expect.poll(() => page.getByText('Inherited from the master text').count(), SLOW).toBe(1);

  await page.getByRole('tab', { name: 'Email' }).click();
  await page.getByLabel('Subject line').fill('Library: new opening hours');
  const frame = page.frameLocator('iframe[title="Email preview"]');
  await expect.poll(() => frame.locator('h1').textContent(), SLOW).toBe('Library hours change from Monday');
  // Previews follow the typing a moment later (deferred rendering): wait for the new subject.
  await expect.poll(() => frame.locator('title').textContent(), SLOW).toBe('Library: new opening hours');
  await page.getByRole('tab', { name: 'Plain text' }).click();
  await expect
    .poll(() => page.locator('.email-text').textContent(), SLOW)
    .toContain('Library hours change from Monday');
  await waitForSaved(page);
  await page.screenshot({ path: 'test-results/compose-email.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
});
