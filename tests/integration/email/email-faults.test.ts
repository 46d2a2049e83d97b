import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createSendControl } from '../../../electron/core/channels/email/send-control.ts';
import { startSmtpSink, type SinkRules } from '../../support/smtp-sink.ts';
import { emailStores } from './email-store.ts';
import { openEmailHarness, savedMessages, toAddress, type EmailHarness } from './email-harness.ts';

/**
 * Injected SMTP faults, each ending in the right per-recipient status with
 * nothing lost. The sink is smtp-server in its own process.
 */
const stores = emailStores();
const PEOPLE = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay'].map((n) => `${n}@example.org`);

async function scenario(rules: SinkRules, adapter: Parameters<typeof openEmailHarness>[1] = {}) {
  const { dataDir } = await stores.open('sqlite');
  const saveDir = `${stores.tempDir()}/mail`;
  const sink = await startSmtpSink({ saveDir, ...rules });
  const h = await openEmailHarness({ dataDir }, adapter);
  const list = await h.list('Roads', PEOPLE);
  const target = await h.target(sink.port, [list.id]);
  return { h, sink, list, target, saveDir };
}

async function received(saveDir: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const mail of await savedMessages(saveDir)) counts[toAddress(mail)] = (counts[toAddress(mail)] ?? 0) + 1;
  return counts;
}

async function statusOf(h: EmailHarness, deliveryId: string) {
  const rows = await h.db.all(
    'SELECT email, status, attempts, smtp_code, smtp_reply FROM email_recipients WHERE delivery_id = $1 ORDER BY email',
    [deliveryId],
  );
  return Object.fromEntries(rows.map((r) => [String(r.email), r]));
}

describe('email faults', () => {
  it('421 and 451 are deferred, then retried and accepted, each received once', { timeout: 60_000 }, async () => {
    const { h, sink, target, saveDir } = await scenario({
      rcptOnce: { 'ann@example.org': '451 4.3.0 Mailbox busy, try again later' },
      endOnce: { 'bob@example.org': '421 4.4.2 Closing connection' },
    });
    try {
      h.worker();
      const { deliveryId } = await h.publish(target.id);
      await h.waitFor(deliveryId, ['delivered']);
      const rows = await statusOf(h, deliveryId);
      expect(rows['ann@example.org']).toMatchObject({ status: 'accepted', attempts: 2 });
      expect(rows['bob@example.org']).toMatchObject({ status: 'accepted', attempts: 2 });
      expect(await received(saveDir)).toEqual(Object.fromEntries(PEOPLE.map((p) => [p, 1])));
      expect((await sink.stats()).refused).toBe(2);
    } finally {
      await h.close();
      await sink.stop();
    }
  });

  it(
    '550 for some recipients: rejected with the answer, the rest accepted, failures exported',
    { timeout: 60_000 },
    async () => {
      const { h, sink, target, saveDir } = await scenario({
        rcpt: { 'cat@example.org': '550 5.1.1 No such user', 'dan@example.org': '553 5.1.3 Bad address' },
      });
      try {
        h.worker();
        const { deliveryId } = await h.publish(target.id);
        await h.waitFor(deliveryId, ['delivered']);
        const rows = await statusOf(h, deliveryId);
        expect(rows['cat@example.org']).toMatchObject({ status: 'rejected', attempts: 1, smtp_code: 550 });
        expect(String(rows['cat@example.org']?.smtp_reply)).toContain('No such user');
        expect(rows['dan@example.org']).toMatchObject({ status: 'rejected', smtp_code: 553 });
        expect(Object.keys(await received(saveDir)).sort()).toEqual([
          'ann@example.org',
          'bob@example.org',
          'eve@example.org',
          'fay@example.org',
        ]);
        const csv = await text(createSendControl({ db: h.db, now: () => new Date() }).exportFailures(deliveryId));
        const lines = csv.trimEnd().split('\r\n');
        expect(lines[0]).toBe('email,status,attempts,smtp_code,smtp_reply,updated_at');
        expect(
          lines
            .slice(1)
            .map((l) => l.split(',').slice(0, 4).join(','))
            .sort(),
        ).toEqual(['cat@example.org,rejected,1,550', 'dan@example.org,rejected,1,553']);

        // Both answers say the address is dead: the subscribers are marked bounced (suppressed for every list),
        // with the relay's answer as the reason and in the audit log, and the next send skips them.
        const people = await h.db.all(
          "SELECT email, status, status_reason FROM subscribers WHERE email IN ('cat@example.org', 'dan@example.org') ORDER BY email",
        );
        expect(people.map((p) => [p.email, p.status])).toEqual([
          ['cat@example.org', 'bounced'],
          ['dan@example.org', 'bounced'],
        ]);
        expect(String(people[0]?.status_reason)).toContain('550 5.1.1 No such user');
        const audit = await h.db.all(
          "SELECT actor_name, details_json FROM audit_log WHERE action = 'subscribers.bounced'",
        );
        // One line per group commit that marked any: here one or two, between them naming both people.
        expect(audit.length).toBeGreaterThanOrEqual(1);
        expect(audit.every((a) => a.actor_name === 'Email relay')).toBe(true);
        const marked = audit.flatMap(
          (a) => (JSON.parse(String(a.details_json)) as { subscriberIds: string[] }).subscriberIds,
        );
        expect(marked).toHaveLength(2);
        const next = await h.publish(target.id, 'Roadworks finished');
        await h.waitFor(next.deliveryId, ['delivered']);
        const nextRows = await statusOf(h, next.deliveryId);
        expect(Object.keys(nextRows).sort()).toEqual([
          'ann@example.org',
          'bob@example.org',
          'eve@example.org',
          'fay@example.org',
        ]);
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );

  it(
    'a disconnect after the end of DATA leaves that recipient unconfirmed, never resent',
    { timeout: 60_000 },
    async () => {
      const { h, sink, target, saveDir } = await scenario({ dropOnce: ['eve@example.org'] });
      try {
        h.worker();
        const { deliveryId } = await h.publish(target.id);
        await h.waitFor(deliveryId, ['delivered']);
        const rows = await statusOf(h, deliveryId);
        expect(rows['eve@example.org']).toMatchObject({ status: 'unconfirmed', attempts: 1 });
        expect(String(rows['eve@example.org']?.smtp_reply)).toContain('lost after the message was sent');
        expect(await received(saveDir)).toEqual(
          Object.fromEntries(PEOPLE.filter((p) => p !== 'eve@example.org').map((p) => [p, 1])),
        );
        expect((await sink.stats()).dropped).toBe(1);
        expect((await h.recipients.counts(deliveryId)).unconfirmed).toBe(1);
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );

  it(
    'relay down: the whole send waits with nothing lost, then goes when the relay is back',
    { timeout: 60_000 },
    async () => {
      const { h, sink, target, saveDir } = await scenario({});
      let back: Awaited<ReturnType<typeof startSmtpSink>> | undefined;
      try {
        await sink.stop(); // the relay is down
        h.worker();
        const { deliveryId } = await h.publish(target.id);
        const waiting = await h.waitFor(deliveryId, ['retry_wait']);
        expect(waiting.lastError?.message).toMatch(
          /^The mail relay cannot be reached \(Could not connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\)\. The send waits/,
        );
        expect(waiting.lastError?.message).toContain('0 of 6 accepted');
        expect(await h.recipients.counts(deliveryId)).toMatchObject({ total: 6, queued: 6 });
        back = await startSmtpSink({ saveDir, port: sink.port });
        await h.waitFor(deliveryId, ['delivered'], 30_000);
        expect(await received(saveDir)).toEqual(Object.fromEntries(PEOPLE.map((p) => [p, 1])));
        expect(waiting.status).toBe('retry_wait');
      } finally {
        await h.close();
        await back?.stop();
      }
    },
  );

  it(
    'a relay that says every address is unknown pauses the send and marks nobody bounced',
    { timeout: 60_000 },
    async () => {
      const dead = Object.fromEntries(PEOPLE.map((p) => [p, '550 5.1.1 No such user']));
      const { h, sink, target } = await scenario({ rcpt: dead }, { errorWindow: 4 });
      try {
        h.worker();
        const { deliveryId } = await h.publish(target.id);
        const paused = await h.waitFor(deliveryId, ['retry_wait']);
        expect(paused.lastError?.message).toMatch(/^Paused automatically/);
        // Bounces are only taken from a send that finishes; a person cancels this one.
        await createSendControl({ db: h.db, now: () => new Date() }).cancel(deliveryId);
        const statuses = await h.db.all('SELECT DISTINCT status FROM subscribers');
        expect(statuses.map((r) => r.status)).toEqual(['active']);
        expect(await h.db.all("SELECT seq FROM audit_log WHERE action = 'subscribers.bounced'")).toEqual([]);
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );

  it(
    'pauses itself when the error rate crosses the threshold, and a person resumes it',
    { timeout: 60_000 },
    async () => {
      const refuse = Object.fromEntries(PEOPLE.slice(0, 5).map((p) => [p, '451 4.7.1 Rate limited, slow down']));
      const { h, sink, target, saveDir } = await scenario({ rcptOnce: refuse }, { errorWindow: 4, deferBaseMs: 10 });
      try {
        h.worker();
        const { deliveryId } = await h.publish(target.id);
        const control = createSendControl({ db: h.db, now: () => new Date() });
        const paused = await h.waitFor(deliveryId, ['retry_wait']);
        expect(paused.lastError?.message).toMatch(
          /^Paused automatically: \d of the last 4 messages were refused or deferred/,
        );
        expect((await control.status(deliveryId)).state).toBe('paused');
        const before = await received(saveDir);
        await new Promise((r) => setTimeout(r, 400));
        expect(await received(saveDir)).toEqual(before); // nothing goes while paused
        await control.resume(deliveryId);
        // The relay may still refuse the ones it has not refused yet, which can pause the send again: correct, so
        // resume each time, as a person would, until it is done.
        const deadline = Date.now() + 30_000;
        while ((await h.delivery(deliveryId)).status !== 'delivered') {
          if (Date.now() > deadline) throw new Error('The send did not finish after resuming');
          if ((await control.status(deliveryId)).state === 'paused') {
            await control.resume(deliveryId).catch(() => undefined);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await received(saveDir)).toEqual(Object.fromEntries(PEOPLE.map((p) => [p, 1])));
        await expect(control.resume(deliveryId)).rejects.toMatchObject({ code: 'conflict' });
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );
});
