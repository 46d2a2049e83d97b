import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright';
import { axeViolations } from '../support/axe.ts';
import { launchChromium } from '../support/chromium.ts';
import { waitForSaved } from '../support/e2e-app.ts';
import { ADA } from '../support/people.ts';
import { createFreshDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.ts';
import { adminSession, callHost, startWebHost, type RunningWebHost } from '../support/web-host.ts';

/**
 * Four-eyes across machines (issue 4): two web hosts on one throwaway
 * PostgreSQL, as two desktops in team mode would be. The author works in one,
 * the approver in the other; each sees the other's steps through the shared
 * database.
 */
let server: ThrowawayPostgres;
let authorHost: RunningWebHost;
let approverHost: RunningWebHost;
let browser: Browser;
const PRIYA = { name: 'Priya Approver', email: 'priya@council.example', password: 'approves with care 42' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  server = await startThrowawayPostgres();
  const url = await createFreshDatabase(server, { prefix: 'four_eyes' });
  authorHost = await startWebHost({ args: ['--database', url, '--no-worker'] });
  approverHost = await startWebHost({ args: ['--database', url, '--no-worker'] });
  const ada = await adminSession(authorHost);
  await callHost(authorHost, 'people.create', { ...PRIYA, roles: ['approver'] }, ada);
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await authorHost?.stop();
  await approverHost?.stop();
  await server?.stop();
});

async function openOn(host: RunningWebHost): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(host.url);
  return page;
}

async function signIn(page: Page, who: { email: string; password: string }) {
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Work email').fill(who.email);
  await form.getByLabel('Password').fill(who.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Updates' }).waitFor();
}

const stateOf = (page: Page) => page.locator('.review-state').first().textContent();

test('the author submits on one host, the approver on another asks for changes, then approves; an edit voids it', async () => {
  // Both people sign in through the UI, each on their own host.
  const author = await openOn(authorHost);
  await expect(author.getByRole('heading', { name: 'Sign in to Town Crier' }).isVisible()).resolves.toBe(true);
  expect(await axeViolations(author)).toEqual([]);
  await author.screenshot({ path: 'test-results/sign-in.png', fullPage: true });
  const wrong = author.getByRole('form', { name: 'Sign in' });
  await wrong.getByLabel('Work email').fill(ADA.email);
  await wrong.getByLabel('Password').fill('not my password at all');
  await wrong.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => wrong.getByRole('alert').textContent()).toBe('That email address and password do not match.');
  await signIn(author, ADA);

  await author.getByRole('button', { name: 'New update' }).click();
  await author.getByLabel('Title', { exact: true }).fill('Garden waste collections paused');
  await author.getByLabel('Summary', { exact: true }).fill('No garden waste collections from 14 to 25 December.');
  await waitForSaved(author);
  const approval = author.getByRole('region', { name: 'Approval' });
  await expect.poll(() => stateOf(author)).toMatch(/^Draft\./);
  await approval.getByLabel('Send to').selectOption({ label: 'Priya Approver' });
  await approval.getByLabel('Note for the approver (optional)').fill('For the Friday bulletin, please.');
  // Not approved: publishing is refused in plain words before anything is queued.
  await approval.getByRole('button', { name: 'Submit for approval' }).click();
  await expect.poll(() => stateOf(author)).toMatch(/^Waiting for approval\. Sent to Priya Approver/);

  const approver = await openOn(approverHost);
  await signIn(approver, PRIYA);
  // Her sidebar counts it, and her inbox lists it: she is on another host, the database is shared.
  await expect
    .poll(() => approver.getByRole('link', { name: /^Approvals/ }).textContent(), { timeout: 20_000 })
    .toContain('1 waiting for you');
  await approver.getByRole('link', { name: /^Approvals/ }).click();
  const inbox = approver.getByRole('table');
  await expect(inbox.textContent()).resolves.toContain('Garden waste collections paused');
  await expect(inbox.textContent()).resolves.toContain('Sent to you');
  expect(await axeViolations(approver)).toEqual([]);
  await approver.screenshot({ path: 'test-results/approvals-inbox.png', fullPage: true });
  await inbox.getByRole('link', { name: 'Garden waste collections paused' }).click();
  await approver.getByRole('heading', { name: 'Review: Garden waste collections paused' }).waitFor();
  await expect(approver.getByRole('tab', { name: 'Website' }).isVisible()).resolves.toBe(true);
  await expect(approver.textContent('body')).resolves.toContain('For the Friday bulletin, please.');
  // Read-only previews: the reviewer cannot change what was submitted.
  await expect(approver.getByLabel('Website title').count()).resolves.toBe(0);
  await approver.getByRole('button', { name: 'Request changes…' }).click();
  const ask = approver.getByRole('form', { name: 'Request changes' });
  await ask.getByRole('button', { name: 'Send back to the author' }).click();
  await expect.poll(() => approver.getByRole('alert').first().textContent()).toContain('Say what needs to change');
  await ask.getByLabel('What needs to change (required)').fill('Say how to book an extra collection.');
  await ask.getByRole('button', { name: 'Send back to the author' }).click();
  await approver.getByRole('status').filter({ hasText: 'Sent back to the author' }).waitFor();

  // The author sees the request (on her own host, through the shared database) and edits.
  await expect.poll(() => stateOf(author), { timeout: 20_000 }).toMatch(/^Changes requested\./);
  await expect(approval.textContent()).resolves.toContain('Say how to book an extra collection.');
  await author
    .getByLabel('Summary', { exact: true })
    .fill('No garden waste collections from 14 to 25 December. Book an extra collection online.');
  await waitForSaved(author);
  await approval.getByRole('button', { name: 'Submit for approval' }).click();
  await expect.poll(() => stateOf(author)).toMatch(/^Waiting for approval\./);

  // The approver sees what changed since the last submission, and approves.
  await approver.reload();
  await approver.getByRole('heading', { name: /^What changed since version \d+/ }).waitFor({ timeout: 20_000 });
  await expect(approver.locator('.diff-added').first().textContent()).resolves.toContain('Book an extra collection');
  expect(await axeViolations(approver)).toEqual([]);
  await approver.screenshot({ path: 'test-results/review-page.png', fullPage: true });
  await approver.getByRole('button', { name: /^Approve version \d+$/ }).click();
  await approver.getByRole('status').filter({ hasText: 'Approved. It can be published now.' }).waitFor();

  await expect.poll(() => stateOf(author), { timeout: 20_000 }).toMatch(/^Approved\. By Priya Approver/);
  await expect
    .poll(() => author.getByRole('region', { name: 'Publish…' }).locator('.hint').first().textContent())
    .toContain('This version is approved');
  await author.screenshot({ path: 'test-results/approved-update.png', fullPage: true });

  // An edit after approval voids it: back to draft, with the reason in the thread.
  await author.getByLabel('Title', { exact: true }).fill('Garden waste collections paused over Christmas');
  await waitForSaved(author);
  await expect.poll(() => stateOf(author), { timeout: 20_000 }).toMatch(/^Draft\./);
  await expect(approval.textContent()).resolves.toContain('The approval was for the earlier version');
  await approver.reload();
  await expect.poll(() => stateOf(approver), { timeout: 20_000 }).toMatch(/^Draft\./);
  const log = await callHost<{ items: { action: string; actorName: string }[] }>(
    approverHost,
    'audit.list',
    { action: 'review.voided' },
    await adminSession(approverHost),
  );
  expect(log.items.map((e) => e.actorName)).toEqual(['Ada Admin']);
  // Stepping away: Lock saves what was just typed, then hides everything until the same person's password is entered.
  await author.getByLabel('Title', { exact: true }).fill('Garden waste paused over Christmas and New Year');
  await author.getByRole('button', { name: 'Lock', exact: true }).click();
  await author.getByRole('heading', { name: 'Town Crier is locked' }).waitFor();
  await expect(author.locator('body').textContent()).resolves.not.toContain('Garden waste');
  expect(await axeViolations(author)).toEqual([]);
  const unlock = author.getByRole('form', { name: 'Unlock' });
  await unlock.getByLabel('Password').fill('not it');
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect.poll(() => unlock.getByRole('alert').textContent()).toBe('That password is not right.');
  await unlock.getByLabel('Password').fill(ADA.password);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await author.getByRole('region', { name: 'Approval' }).waitFor();
  await expect(author.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe(
    'Garden waste paused over Christmas and New Year',
  );
  expect(consoleErrors.filter((e) => !/status of 40[013]/.test(e))).toEqual([]);
}, 150_000);
