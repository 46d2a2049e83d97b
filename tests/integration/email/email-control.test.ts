import { describe, expect, it } from 'vitest';
import { createSendControl } from '../../../electron/core/channels/email/send-control.ts';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { emailStores } from './email-store.ts';
import { openEmailHarness, savedMessages, toAddress } from './email-harness.ts';

/** A person's controls during a send, and someone unsubscribing while it runs. Slow sends (5 a second) to act mid-way. */
const stores = emailStores();
const PEOPLE = Array.from({ length: 8 }, (_, i) => `person${i}@example.org`);

async function slowSend() {
  const { dataDir } = await stores.open('sqlite');
  const saveDir = `${stores.tempDir()}/mail`;
  const sink = await startSmtpSink({ saveDir });
  const h = await openEmailHarness({ dataDir });
  const list = await h.list('Roads', PEOPLE);
  const target = await h.target(sink.port, [list.id], { messagesPerSecond: 5, maxConnections: 1 });
  const control = createSendControl({ db: h.db, now: () => new Date() });
  const accepted = async (deliveryId: string) => {
    const row = await h.db.one(
      `SELECT count(*) AS n FROM email_recipients WHERE delivery_id = $1 AND status = 'accepted'`,
      [deliveryId],
    );
    return Number(row?.n ?? 0);
  };
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { h, sink, list, target, control, saveDir, accepted, until };
}

describe('email send controls', () => {
  it(
    'cancel stops the send: the rest are cancelled, never sent, and the delivery says so',
    { timeout: 60_000 },
    async () => {
      const { h, sink, target, control, saveDir, accepted, until } = await slowSend();
      try {
        h.worker();
        const { deliveryId } = await h.publish(target.id);
        await until(async () => (await accepted(deliveryId)) >= 2);
        const cancelled = await control.cancel(deliveryId);
        expect(cancelled.state).toBe('cancelled');
        const failed = await h.waitFor(deliveryId, ['failed']);
        expect(failed.lastError?.message).toMatch(/^The send was cancelled: \d of 8 accepted/);
        const counts = await h.recipients.counts(deliveryId);
        expect(counts.accepted + counts.cancelled).toBe(8);
        expect(counts.cancelled).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 300));
        expect((await savedMessages(saveDir)).length).toBe(counts.accepted);
        await expect(control.cancel(deliveryId)).rejects.toMatchObject({ code: 'conflict' });
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );

  it('pause holds the send and resume finishes it, each person once', { timeout: 60_000 }, async () => {
    const { h, sink, target, control, saveDir, accepted, until } = await slowSend();
    try {
      h.worker();
      const { deliveryId } = await h.publish(target.id);
      await until(async () => (await accepted(deliveryId)) >= 1);
      expect((await control.pause(deliveryId)).state).toBe('paused');
      const waiting = await h.waitFor(deliveryId, ['retry_wait']);
      expect(waiting.lastError?.message).toContain('Paused by a person.');
      const held = await accepted(deliveryId);
      await new Promise((r) => setTimeout(r, 600));
      expect(await accepted(deliveryId)).toBe(held);
      await control.resume(deliveryId);
      await h.waitFor(deliveryId, ['delivered']);
      const mails = await savedMessages(saveDir);
      expect(mails.map(toAddress).sort()).toEqual([...PEOPLE].sort());
      expect((await control.status(deliveryId)).state).toBe('done');
    } finally {
      await h.close();
      await sink.stop();
    }
  });

  it('someone who unsubscribes during a send is skipped, not mailed', { timeout: 60_000 }, async () => {
    const { h, sink, list, target, saveDir, accepted, until } = await slowSend();
    try {
      h.worker();
      const { deliveryId } = await h.publish(target.id);
      await until(async () => (await accepted(deliveryId)) >= 1);
      // The last in sending order (by id) is still queued.
      const last = await h.db.one(
        `SELECT subscriber_id, email FROM email_recipients WHERE delivery_id = $1 AND status = 'queued'
         ORDER BY subscriber_id DESC LIMIT 1`,
        [deliveryId],
      );
      await h.subscribers.suppress(String(last?.subscriber_id), 'unsubscribed', {
        actor: 'resident',
        reason: 'link',
        listId: list.id,
      });
      await h.waitFor(deliveryId, ['delivered']);
      const row = await h.db.one('SELECT status FROM email_recipients WHERE delivery_id = $1 AND subscriber_id = $2', [
        deliveryId,
        String(last?.subscriber_id),
      ]);
      expect(row?.status).toBe('skipped');
      const mails = (await savedMessages(saveDir)).map(toAddress);
      expect(mails).not.toContain(String(last?.email));
      expect(mails).toHaveLength(7);
    } finally {
      await h.close();
      await sink.stop();
    }
  });
});
