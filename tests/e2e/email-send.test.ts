import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp } from '../support/e2e-app.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { callHost } from '../support/web-host.ts';

/**
 * The email channel from the browser: connect it through the generated form
 * (its lists are a group of checkboxes filled from `email.lists.list`), send an
 * approved update to 60 people through a real SMTP server (smtp-server, in its
 * own process) at 3 a second, and on the publication page watch the counts move
 * live (`email.send.progress` events), pause, resume, cancel after confirming,
 * and export the people it did not reach.
 */
const app = useE2eApp();
const PEOPLE = 60;
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink({});
});
afterAll(() => sink?.stop());

test('connects an email channel with its lists, then watches, pauses, resumes and cancels a send', async () => {
  const host = app.host();
  const session = app.session();
  await callHost(host, 'settings.update', { publicBaseUrl: 'https://crier.example.gov.uk' }, session);
  const list = await callHost<{ id: string }>(host, 'email.lists.create', { name: 'Bin collections' }, session);
  await callHost(host, 'email.lists.create', { name: 'Road closures' }, session);
  // The people arrive through the upload path the Subscribers page uses.
  const begun = await callHost<{ importId: string }>(
    host,
    'email.import.begin',
    { listId: list.id, fileName: 'people.csv', consentSource: 'e2e' },
    session,
  );
  const csv = ['email', ...Array.from({ length: PEOPLE }, (_, i) => `resident${i}@example.org`)].join('\n');
  await callHost(host, 'email.import.chunk', { importId: begun.importId, sequence: 0, text: csv }, session);
  await callHost(host, 'email.import.finish', { importId: begun.importId, parts: 1 }, session);

  const page = await app.open();
  await page.getByRole('link', { name: 'Channels', exact: true }).click();
  await page.getByRole('button', { name: 'Connect a channel' }).click();
  const form = page.getByRole('form', { name: 'Connect a channel' });
  await form.getByLabel('Kind of channel').selectOption({ label: 'Email (SMTP)' });
  await form.getByLabel('Name', { exact: true }).fill('Residents’ email');
  await form.getByLabel(/^Host/).fill('127.0.0.1');
  await form.getByLabel(/^Port/).fill(String(sink.port));
  await form.getByLabel(/^Security/).selectOption('none');
  await form.getByLabel(/^From name/).fill('Borsetshire Council');
  await form.getByLabel(/^From address/).fill('news@borsetshire.example.gov.uk');
  await form.getByLabel(/^Messages per second/).fill('3');
  await form.getByLabel(/^Max connections/).fill('1');
  const lists = form.getByRole('group', { name: 'Lists' });
  await lists.getByLabel('Road closures (0 active subscribers)').waitFor();
  // None chosen: refused next to the group, before anything is sent.
  await form.getByRole('button', { name: 'Connect' }).click();
  await lists.getByText('Lists: Choose at least one of the lists').waitFor();
  await lists.getByLabel(`Bin collections (${PEOPLE} active subscribers)`).check();
  // This relay needs no sign-in: the password and the DKIM key (a multi-line box) may stay empty.
  const password = form.getByLabel('SMTP password (optional)');
  await expect(password.getAttribute('type')).resolves.toBe('password');
  const dkim = form.getByLabel('DKIM private key (optional)');
  await expect(dkim.evaluate((el) => el.tagName)).resolves.toBe('TEXTAREA');
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/channels-connect-email.png', fullPage: true });
  await form.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected “Residents’ email”.' }).waitFor();
  const targets = await callHost<{ name: string; settings: { listIds: string[] } }[]>(
    host,
    'channels.list',
    {},
    session,
  );
  expect(targets.find((t) => t.name === 'Residents’ email')?.settings.listIds).toEqual([list.id]);

  // Send an approved update to it.
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('New bin collection days');
  await page.getByLabel('Summary', { exact: true }).fill('From Monday, bins are collected a day later.');
  await app.approveOpenUpdate(page);
  const panel = page.getByRole('region', { name: 'Publish…' });
  await panel.getByLabel('Residents’ email', { exact: true }).check();
  await panel.getByRole('button', { name: 'Publish…' }).click();
  await panel.getByRole('button', { name: 'Confirm and send' }).click();
  await panel.getByRole('status').filter({ hasText: 'Queued for sending.' }).waitFor();
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await page.getByRole('link', { name: 'New bin collection days' }).click();

  // The counts move without a reload: each number comes from an email.send.progress event.
  const send = page.getByRole('region', { name: /^Email send:/ });
  await send.getByRole('heading', { name: /Email send: Sending/ }).waitFor({ timeout: 30_000 });
  const accepted = () =>
    send
      .getByRole('row', { name: /^Accepted by the relay/ })
      .getByRole('cell')
      .innerText()
      .then(Number);
  await expect.poll(accepted, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  const seen = await accepted();
  await expect.poll(accepted, { timeout: 30_000 }).toBeGreaterThan(seen);
  await send.getByText(new RegExp(`^\\d+ of ${PEOPLE} sent$`)).waitFor();

  // Pause: the counts stop; the reason shows beside Resume.
  await send.getByRole('button', { name: 'Pause the send' }).click();
  await send.getByRole('heading', { name: /Email send: Paused/ }).waitFor();
  await send.getByText('Why it is paused: Paused by a person.').waitFor();
  await page.getByRole('status').filter({ hasText: 'The send is paused' }).waitFor();
  const paused = await accepted();
  expect(paused).toBeLessThan(PEOPLE);
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/email-send-progress.png', fullPage: true });
  // The message in flight when the pause was read (every half second) may still land, and the counts on the page
  // follow at most twice a second; after that the send stands still.
  await new Promise((r) => setTimeout(r, 2_000));
  const settled = await accepted();
  expect(settled).toBeLessThanOrEqual(paused + 4);
  await new Promise((r) => setTimeout(r, 3_000));
  expect(await accepted()).toBe(settled);

  // The queue's row says how far it got.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  const row = page.locator('.queue-email-count');
  await row.waitFor();
  expect(await row.innerText()).toMatch(new RegExp(`^\\d+ of ${PEOPLE} sent$`));
  await page.getByRole('link', { name: 'New bin collection days' }).click();
  await send.getByRole('heading', { name: /Email send: Paused/ }).waitFor();

  // Resume: it sends again.
  const before = await accepted();
  await send.getByRole('button', { name: 'Resume the send' }).click();
  await send.getByRole('heading', { name: /Email send: Sending/ }).waitFor();
  await expect.poll(accepted, { timeout: 30_000 }).toBeGreaterThan(before);

  // Cancel asks first; "No" keeps it going.
  await send.getByRole('button', { name: 'Cancel the send' }).click();
  const confirm = send.getByRole('group', { name: 'Confirm cancelling the send' });
  await confirm.getByText(/will not get this email/).waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await confirm.getByRole('button', { name: 'No, keep sending' }).click();
  await send.getByRole('button', { name: 'Cancel the send' }).click();
  await confirm.getByRole('button', { name: 'Yes, cancel the send' }).click();
  await send.getByRole('heading', { name: /Email send: Cancelled/ }).waitFor();
  const cancelled = Number(
    await send
      .getByRole('row', { name: /^Cancelled/ })
      .getByRole('cell')
      .innerText(),
  );
  expect(cancelled).toBeGreaterThan(0);

  // The people it did not reach, as CSV.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    send.getByRole('button', { name: 'Export failures (CSV)' }).click(),
  ]);
  const lines = readFileSync(await download.path(), 'utf8')
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe('"email","status","attempts","smtp_code","smtp_reply","updated_at"');
  expect(lines.filter((l) => l.includes('"cancelled"'))).toHaveLength(cancelled);
  // A message on its way when the cancel was read still lands; the pass's last hint brings the page level with it.
  await sink.flush();
  const delivered = (await sink.stats()).accepted;
  await expect.poll(accepted, { timeout: 20_000 }).toBe(delivered);
});

test('a send the relay keeps refusing pauses itself, and the page says why beside Resume', async () => {
  const host = app.host();
  const session = app.session();
  const people = Array.from({ length: 240 }, (_, i) => `gone${i}@example.org`);
  const refusing = await startSmtpSink({ rcpt: Object.fromEntries(people.map((p) => [p, '550 5.1.1 No such user'])) });
  try {
    await callHost(host, 'settings.update', { publicBaseUrl: 'https://crier.example.gov.uk' }, session);
    const list = await callHost<{ id: string }>(host, 'email.lists.create', { name: 'Old list' }, session);
    const begun = await callHost<{ importId: string }>(
      host,
      'email.import.begin',
      { listId: list.id, fileName: 'old.csv', consentSource: 'e2e' },
      session,
    );
    const text = ['email', ...people].join('\n');
    await callHost(host, 'email.import.chunk', { importId: begun.importId, sequence: 0, text }, session);
    await callHost(host, 'email.import.finish', { importId: begun.importId, parts: 1 }, session);
    const target = await callHost<{ id: string }>(
      host,
      'channels.create',
      {
        kind: 'email.smtp',
        name: 'Old list email',
        settings: {
          host: '127.0.0.1',
          port: refusing.port,
          security: 'none',
          fromName: 'Borsetshire Council',
          fromAddress: 'news@borsetshire.example.gov.uk',
          listIds: [list.id],
          messagesPerSecond: 500,
          maxConnections: 4,
        },
        secrets: {},
      },
      session,
    );
    const page = await app.open();
    await page.getByRole('button', { name: 'New update' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Refused everywhere');
    await page.getByLabel('Summary', { exact: true }).fill('Nobody is there.');
    await app.approveOpenUpdate(page);
    const panel = page.getByRole('region', { name: 'Publish…' });
    await panel.getByLabel('Old list email', { exact: true }).check();
    await panel.getByRole('button', { name: 'Publish…' }).click();
    await panel.getByRole('button', { name: 'Confirm and send' }).click();
    await panel.getByRole('status').filter({ hasText: 'Queued for sending.' }).waitFor();
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    await page.getByRole('link', { name: 'Refused everywhere' }).click();
    const send = page.getByRole('region', { name: /^Email send:/ });
    await send.getByRole('heading', { name: /Email send: Paused/ }).waitFor({ timeout: 60_000 });
    await send
      .getByText(/^Why it is paused: Paused automatically: \d+ of the last 200 messages were refused or deferred/)
      .waitFor();
    await send.getByRole('button', { name: 'Resume the send' }).waitFor();
    expect(
      Number(
        await send
          .getByRole('row', { name: /^Rejected/ })
          .getByRole('cell')
          .innerText(),
      ),
    ).toBeGreaterThan(99);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/email-send-auto-paused.png', fullPage: true });
    expect(target.id).toBeTruthy();
  } finally {
    await refusing.stop();
  }
});
