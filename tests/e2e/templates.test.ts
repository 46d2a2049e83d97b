import { expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';

const app = useE2eApp();

test('starts from a shipped template, saves an update as a new template and starts from that', async () => {
  // The duplicate name below is answered 409, which Chromium logs as a failed resource load.
  app.allowConsoleErrors(/status of 409 \(Conflict\)/);
  const page = await app.open();
  const templates = page.getByRole('region', { name: 'Start from a template' });
  await templates.getByRole('button', { name: 'Use the Road closure template' }).click();
  await expect
    .poll(() => page.getByLabel('Title', { exact: true }).inputValue())
    .toBe('[Road name] closed [direction] from [day and time]');
  const body = page.getByRole('textbox', { name: 'Body' });
  await expect(body.locator('h2').allTextContents()).resolves.toEqual(['When', 'Diversion', 'Buses']);

  await page.getByLabel('Title', { exact: true }).fill('A6 closed northbound from Friday 8pm');
  await waitForSaved(page);
  await page.getByRole('button', { name: 'Save as template…' }).click();
  await page.getByLabel('Template name').fill('road closure');
  await page.getByRole('button', { name: 'Save template' }).click();
  // A built-in already has that name: the error says so, and what was typed stays.
  await page.getByRole('alert').filter({ hasText: 'built-in template' }).waitFor();
  await expect(page.getByLabel('Template name').inputValue()).resolves.toBe('road closure');
  await page.getByLabel('Template name').fill('A6 closure');
  await page.getByRole('button', { name: 'Save template' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved as the template “A6 closure”.' }).waitFor();

  await page.getByRole('link', { name: 'Updates' }).click();
  await templates.getByRole('button', { name: 'Use the A6 closure template' }).click();
  await expect
    .poll(() => page.getByLabel('Title', { exact: true }).inputValue())
    .toBe('A6 closed northbound from Friday 8pm');

  await page.getByRole('link', { name: 'Updates' }).click();
  await templates.getByRole('listitem').nth(3).waitFor();
  await page.screenshot({ path: 'test-results/templates.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await templates.getByRole('button', { name: 'Delete the A6 closure template' }).click();
  await templates.getByRole('button', { name: 'Confirm delete of A6 closure' }).click();
  await expect.poll(() => templates.getByRole('listitem').count()).toBe(3);
});
