import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp } from '../support/e2e-app.ts';

const app = useE2eApp();
const FIXTURE = fileURLToPath(new URL('../fixtures/subscribers-with-bad-rows.csv', import.meta.url));

test('imports a CSV file from the browser with a report of bad rows, exports the list, suppresses and unsuppresses', async () => {
  const page = await app.open();
  await page.getByRole('link', { name: 'Subscribers' }).click();
  await page.getByLabel('New list name').fill('Bin collections');
  await page.getByRole('button', { name: 'Create list' }).click();
  const members = page.getByRole('region', { name: 'Bin collections' });
  await members.getByText('Nobody is on this list yet.').waitFor();

  // Import: a file with three bad rows and a repeated address.
  const form = page.getByRole('form', { name: 'Import subscribers into Bin collections' });
  await form.getByRole('button', { name: 'Start import' }).click();
  await form.getByRole('alert').filter({ hasText: 'Choose a CSV file to import' }).waitFor();
  await form.getByLabel('Import subscribers from a CSV file').setInputFiles(FIXTURE);
  await form.getByLabel('Where consent came from').fill('Website sign-up form');
  await form.getByRole('button', { name: 'Start import' }).click();
  const status = page.getByRole('status').filter({ hasText: 'Imported subscribers-with-bad-rows.csv' });
  await status.getByText('8 rows read').waitFor();
  await status.getByText('4 new subscribers added').waitFor();
  await status.getByText('1 row repeated an address earlier in the file').waitFor();
  await status.getByText('3 bad rows were not imported').waitFor();
  const bad = page.getByRole('table', { name: 'Bad rows in subscribers-with-bad-rows.csv' });
  const rows = await bad.getByRole('row').allInnerTexts();
  expect(rows.slice(1).map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
    ['4', 'not-an-address', 'invalid email address "not-an-address": it has no "@"'],
    ['6', 'carol@example.org', 'the "name" column is missing (1 of 2 columns)'],
    ['8', 'dan@example.org', 'it has 3 columns but the header has 2 (is there an unquoted comma?)'],
  ]);
  const table = members.getByRole('table', { name: 'People on Bin collections' });
  await expect.poll(() => table.getByRole('row').count()).toBe(5);
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/subscribers-import.png', fullPage: true });

  // The bad rows, downloaded.
  const [badFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the bad rows (CSV)' }).click(),
  ]);
  const badCsv = readFileSync(await badFile.path(), 'utf8');
  expect(badCsv).toContain('"line","value","reason"\r\n"4","not-an-address",');

  // Export: every person, formulas neutralised.
  const [exported] = await Promise.all([
    page.waitForEvent('download'),
    members.getByRole('button', { name: 'Export list as CSV' }).click(),
  ]);
  expect(exported.suggestedFilename()).toBe('bin-collections.csv');
  const csv = readFileSync(await exported.path(), 'utf8');
  const lines = csv
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe('"email","name","status","consent_source","consent_at","status_changed_at"');
  expect(lines).toHaveLength(5);
  expect(csv).toContain(`"'=cmd@example.org","Formula","active","Website sign-up form"`);
  await page.getByRole('status').filter({ hasText: 'Exported 4 people to bin-collections.csv.' }).waitFor();

  // Suppress Bob by hand, with a reason; he appears on the suppression list with it.
  await table.getByRole('button', { name: 'Suppress bob@example.org' }).click();
  const suppress = page.getByRole('form', { name: 'Suppress bob@example.org' });
  await suppress.getByRole('button', { name: 'Suppress' }).click();
  await suppress.getByText('Give a reason').waitFor();
  await suppress.getByLabel('Why suppress bob@example.org?').selectOption('bounced');
  await suppress.getByLabel('Reason').fill('Mailbox closed (phone call)');
  await suppress.getByRole('button', { name: 'Suppress' }).click();
  await page.getByRole('status').filter({ hasText: 'bob@example.org is suppressed' }).waitFor();
  const suppressed = page.getByRole('table', { name: 'Suppressed addresses' });
  await suppressed.getByRole('row', { name: /bob@example\.org Bounced Mailbox closed \(phone call\)/ }).waitFor();
  expect(await axeViolations(page)).toEqual([]);

  // An admin takes him off again, with a reason; the audit log has both.
  await suppressed.getByRole('button', { name: 'Remove from suppression bob@example.org' }).click();
  const unsuppress = page.getByRole('form', { name: 'Remove bob@example.org from the suppression list' });
  await unsuppress.getByLabel('Why may Town Crier email bob@example.org again?').fill('He wrote to rejoin');
  await unsuppress.getByRole('button', { name: 'Remove from suppression' }).click();
  await page.getByRole('status').filter({ hasText: 'bob@example.org was taken off the suppression list' }).waitFor();
  await page.getByText('No address is suppressed.').waitFor();
  expect(await axeViolations(page)).toEqual([]);
});
