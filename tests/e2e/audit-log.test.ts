import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parse } from 'csv-parse/sync';
import { beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { axeViolations } from '../support/axe.ts';
import { descriptionOf } from '../support/described-by.ts';
import { useE2eApp } from '../support/e2e-app.ts';
import { ADA } from '../support/people.ts';
import { callHost } from '../support/web-host.ts';

/**
 * The audit log page in real Chromium against the real web host: newest
 * first with "Show older" paging, filters by action, person and UK dates, a
 * CSV export whose rows are exactly the ones on the page, and "Check the
 * chain" both on an intact log and after a row is changed in the database
 * behind the app's back.
 */
const app = useE2eApp();

const SAM = { name: 'Sam Author', email: 'sam.author@council.example', password: 'sam first passphrase' };
const PRIYA = { name: 'Priya Approver', email: 'priya.approver@council.example', password: 'priya first passphrase' };
const SAM_SIGN_INS = 30;
const ADA_SIGN_INS = 25;

type Entry = { seq: number; hash: string; action: string; actorName: string };
let total = 0;
let priyaSession = '';
let samSession = '';

beforeAll(async () => {
  const host = app.host();
  const admin = app.session();
  await callHost(host, 'people.create', { ...SAM, roles: ['author'] }, admin);
  await callHost(host, 'people.create', { ...PRIYA, roles: ['approver'] }, admin);
  for (let i = 0; i < SAM_SIGN_INS; i += 1) {
    samSession = (await callHost<{ token: string }>(host, 'auth.signIn', SAM)).token;
  }
  for (let i = 0; i < ADA_SIGN_INS; i += 1) await callHost(host, 'auth.signIn', ADA);
  await callHost(host, 'auth.signIn', { email: SAM.email, password: 'not the password' }).catch(() => undefined);
  priyaSession = (await callHost<{ token: string }>(host, 'auth.signIn', PRIYA)).token;
  const head = await callHost<{ items: Entry[] }>(host, 'audit.list', { limit: 1 }, admin);
  total = head.items[0]?.seq ?? 0;
});

const ukDate = (at: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(at);
const DAY = 86_400_000;

const rows = (page: Page) => page.getByRole('table').locator('tbody tr');
const columnOf = (page: Page, n: number) => rows(page).locator(`:scope > :nth-child(${n})`).allTextContents();
const seqs = async (page: Page) => (await columnOf(page, 1)).map(Number);

async function applyFilters(page: Page, filters: { action?: string; person?: string; from?: string; to?: string }) {
  const form = page.getByRole('form', { name: 'Filter the audit log' });
  await form.getByLabel('Action').selectOption({ label: filters.action ?? 'Any action' });
  await form.getByLabel('Person').selectOption({ label: filters.person ?? 'Anyone' });
  await form.getByLabel('From').fill(filters.from ?? '');
  await form.getByLabel('To').fill(filters.to ?? '');
  await form.getByRole('button', { name: 'Show' }).click();
}

test('lists the log newest first with paging, filters by action, person and UK dates, and exports what it shows', async () => {
  expect(total).toBe(1 + 2 + SAM_SIGN_INS + ADA_SIGN_INS + 1 + 1);
  const page = await app.open();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Showing 50 records (there are older ones).' }).waitFor();
  const first = await seqs(page);
  expect(first).toEqual(Array.from({ length: 50 }, (_, i) => total - i));

  await page.getByRole('button', { name: 'Show older' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Showing ${total} records.` })
    .waitFor();
  expect(await seqs(page)).toEqual(Array.from({ length: total }, (_, i) => total - i));
  await expect(page.getByRole('button', { name: 'Show older' }).count()).resolves.toBe(0);

  // Record 2 is Ada adding Sam: time in UK time, who, what in words, the subject by name and a short hash.
  const all = await callHost<{ items: (Entry & { at: string })[] }>(
    app.host(),
    'audit.list',
    { limit: 500 },
    app.session(),
  );
  const second = all.items.find((e) => e.seq === 2);
  const london = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  await expect(page.locator('tr[data-seq="2"] > *').allTextContents()).resolves.toEqual([
    '2',
    london.format(new Date(second?.at ?? '')),
    'Ada Admin',
    'Added a personRoles: author',
    'Sam Author',
    second?.hash.slice(0, 12),
  ]);
  await expect(
    page
      .locator(`tr[data-seq="${total - 1}"] > td`)
      .nth(2)
      .textContent(),
  ).resolves.toBe('Failed to sign insam.author@council.example (wrong email or password)');

  await applyFilters(page, { action: 'Added a person' });
  await expect.poll(() => columnOf(page, 5)).toEqual(['Priya Approver', 'Sam Author']);
  await expect(columnOf(page, 4)).resolves.toEqual(['Added a personRoles: approver', 'Added a personRoles: author']);

  const today = ukDate(new Date());
  await applyFilters(page, { action: 'Signed in', person: 'Sam Author', from: today, to: today });
  await page
    .getByRole('status')
    .filter({ hasText: `Showing ${SAM_SIGN_INS} records matching the filters.` })
    .waitFor();
  expect(new Set(await columnOf(page, 3))).toEqual(new Set(['Sam Author']));
  expect(new Set(await columnOf(page, 4))).toEqual(new Set(['Signed in']));
  const shown = await seqs(page);
  const shownHashes = await columnOf(page, 6);

  // The CSV holds exactly the rows on the page (oldest first), with their full hashes.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export as CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^town-crier-audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  await page
    .getByRole('status')
    .filter({ hasText: `Exported ${SAM_SIGN_INS} records to ${download.suggestedFilename()}.` })
    .waitFor();
  const text = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
  const csv = parse(text, { columns: true }) as Record<string, string>[];
  expect(csv.map((r) => Number(r.seq))).toEqual([...shown].reverse());
  expect(new Set(csv.map((r) => r.actor))).toEqual(new Set(['Sam Author']));
  expect(new Set(csv.map((r) => r.action))).toEqual(new Set(['auth.signed_in']));
  expect(csv.map((r) => (r.hash ?? '').slice(0, 12))).toEqual([...shownHashes].reverse());

  // Dates: a day with nothing in it, a "to" before the "from", and a date that does not exist.
  await applyFilters(page, { person: 'Sam Author', from: ukDate(new Date(Date.now() + DAY)) });
  await page.getByRole('status').filter({ hasText: 'No records match these filters.' }).waitFor();
  await applyFilters(page, { from: today, to: ukDate(new Date(Date.now() - DAY)) });
  const form = page.getByRole('form', { name: 'Filter the audit log' });
  await expect.poll(() => descriptionOf(form.getByLabel('To'))).toMatch('The “to” date is before the “from” date.');
  await expect(form.getByLabel('To').getAttribute('aria-invalid')).resolves.toBe('true');
  await applyFilters(page, { from: '31/02/2026' });
  await expect.poll(() => descriptionOf(form.getByLabel('From'))).toMatch('31/02/2026 is not a real date.');
  // Cleared: the whole log again, with the older page already loaded.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Showing ${total} records.` })
    .waitFor();
  await expect(form.getByLabel('From').inputValue()).resolves.toBe('');

  await page.getByRole('button', { name: 'Check the chain' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `All ${total} records are intact.` })
    .waitFor();
  await page.screenshot({ path: 'test-results/audit-log.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await page.close();
});

test('an approver reads the log; an author does not have it', async () => {
  const priya = await app.open({ session: priyaSession });
  await priya.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await priya
    .getByRole('status')
    .filter({ hasText: /^Showing 50 records/ })
    .waitFor();
  await priya.close();

  const sam = await app.open({ session: samSession });
  const nav = sam.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Audit log' }).count()).resolves.toBe(0);
  await sam.evaluate(() => (window.location.hash = '#/audit'));
  await sam.getByText('only admins and approvers can read it').waitFor();
  await expect(sam.getByRole('table').count()).resolves.toBe(0);
  await sam.close();
});

test('"Check the chain" names the record changed directly in the database', async () => {
  // Behind the app's back: drop the append-only trigger and edit one row, as someone with the file could.
  const db = new DatabaseSync(join(app.host().dataDir, 'town-crier.sqlite'));
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('DROP TRIGGER audit_log_no_update');
  db.prepare("UPDATE audit_log SET actor_name = 'Mallory' WHERE seq = 3").run();
  db.close();

  const page = await app.open();
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('button', { name: 'Check the chain' }).click();
  await page
    .getByRole('alert')
    .filter({
      hasText:
        'Record 3 has been changed or removed: its contents do not match its hash (the row was changed after it was written).',
    })
    .waitFor();
  await expect(page.getByRole('status').filter({ hasText: 'intact' }).count()).resolves.toBe(0);
  await page.screenshot({ path: 'test-results/audit-log-broken.png' });
  expect(await axeViolations(page)).toEqual([]);
  await page.close();
});
