import { expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp } from '../support/e2e-app.ts';

const app = useE2eApp();

test('creates an email list, adds people (merging case), refuses a bad address, and removes someone', async () => {
  // The invalid address is answered 400, which Chromium logs as a failed resource load.
  app.allowConsoleErrors(/status of 400 \(Bad Request\)/);
  const page = await app.open();
  await page.getByRole('link', { name: 'Subscribers' }).click();
  await page.getByRole('heading', { name: 'Subscribers', level: 1 }).waitFor();
  await page.getByText('There are no email lists yet.').waitFor();

  await page.getByLabel('New list name').fill('Bin collections');
  await page.getByRole('button', { name: 'Create list' }).click();
  const members = page.getByRole('region', { name: 'Bin collections' });
  await members.getByText('Nobody is on this list yet.').waitFor();

  const form = page.getByRole('form', { name: 'Add a subscriber to Bin collections' });
  await form.getByLabel('Email address').fill('Ann@Example.org');
  await form.getByLabel('Name (optional)').fill('Ann Jones');
  await form.getByRole('button', { name: 'Add subscriber' }).click();
  await page.getByRole('status').filter({ hasText: 'Added Ann@Example.org to Bin collections.' }).waitFor();

  await form.getByLabel('Email address').fill('ann@');
  await form.getByRole('button', { name: 'Add subscriber' }).click();
  await form.getByText('Not a valid email address: nothing comes after the "@"').waitFor();

  await form.getByLabel('Email address').fill('bob@example.org');
  await form.getByRole('button', { name: 'Add subscriber' }).click();
  await page.getByRole('status').filter({ hasText: 'Added bob@example.org' }).waitFor();
  // The same address in another case is the same person.
  await form.getByLabel('Email address').fill('ANN@example.ORG');
  await form.getByRole('button', { name: 'Add subscriber' }).click();
  await page.getByRole('status').filter({ hasText: 'Added Ann@Example.org' }).waitFor();

  const table = members.getByRole('table', { name: 'People on Bin collections' });
  await expect.poll(() => table.getByRole('row').count()).toBe(3);
  await page.getByRole('list', { name: 'Email lists' }).getByText('2 active subscribers').waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/subscribers.png', fullPage: true });

  await table.getByRole('button', { name: 'Remove bob@example.org' }).click();
  await expect.poll(() => table.getByRole('row').count()).toBe(2);
  await page.getByRole('list', { name: 'Email lists' }).getByText('1 active subscriber', { exact: true }).waitFor();
});
