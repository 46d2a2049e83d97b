import { expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { callHost } from '../support/web-host.ts';

const app = useE2eApp();

test('tags an update on the compose page: a tag the team rule names asks for two approvals; tags lock once submitted', async () => {
  // The refused tag below is answered 400, which Chromium logs as a failed resource load.
  app.allowConsoleErrors(/status of 400 \(Bad Request\)/);
  await app.ensureApprover();
  await callHost(app.host(), 'review.setPolicy', { required: 1, twoForTags: ['Emergencies'] }, app.session());
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Flood warning for the River Wharfe');
  await page.getByLabel('Summary', { exact: true }).fill('Move valuables upstairs tonight.');
  await waitForSaved(page);

  const tags = page.getByRole('form', { name: 'Tags' });
  await tags.getByLabel('Tags').fill('Roads, <script>');
  await tags.getByRole('button', { name: 'Save tags' }).click();
  await tags.getByRole('alert').filter({ hasText: 'A tag uses letters, digits' }).waitFor();

  await tags.getByLabel('Tags').fill('Roads, emergencies, roads');
  await tags.getByRole('button', { name: 'Save tags' }).click();
  await tags.getByRole('status').filter({ hasText: 'Tags saved.' }).waitFor();
  // Duplicates in another case are one tag; the team's rule matches in any case.
  await expect.poll(() => tags.getByLabel('Tags').inputValue()).toBe('Roads, emergencies');
  const panel = page.locator('.review-panel');
  await panel.getByText('This update needs two approvals (its tags or the team’s rule).').waitFor();
  await page.screenshot({ path: 'test-results/update-tags.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  // Kept after a reload.
  await page.reload();
  await expect
    .poll(() => page.getByRole('form', { name: 'Tags' }).getByLabel('Tags').inputValue())
    .toBe('Roads, emergencies');

  // Once submitted, the tags are shown but cannot be changed (the core refuses too).
  await panel.getByRole('button', { name: 'Submit for approval' }).click();
  await panel.getByText('Tags: Roads, emergencies').waitFor();
  await expect(page.getByRole('form', { name: 'Tags' }).count()).resolves.toBe(0);
});
