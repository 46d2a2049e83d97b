import { request } from 'node:http';
import { verifyAuditChain } from '../../../electron/core/audit/audit-log.ts';
import { describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { ENGINES, emailStores } from './email-store.ts';
import { openEmailHarness, savedMessages, toAddress } from './email-harness.ts';

const stores = emailStores();

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(ENGINES)('email channel on $engine', ({ engine }) => {
  it(
    'sends one compliant message per active subscriber; one-click unsubscribe; the next publication skips them',
    { timeout: 60_000 },
    async () => {
      const { dataDir, databaseUrl } = await stores.open(engine);
      const saveDir = `${stores.tempDir()}/mail`;
      const sink = await startSmtpSink({ saveDir });
      const h = await openEmailHarness({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
      try {
        const roads = await h.list('Roads', [
          'ann@example.org',
          'bob@example.org',
          'cat@example.org',
          'dee@example.org',
        ]);
        const bins = await h.list('Bins', ['ann@example.org', 'eve@example.org']);
        await h.subscribers.suppress(roads.ids['dee@example.org'] ?? '', 'bounced', {
          actor: 'test',
          reason: 'hard bounce',
        });
        const target = await h.target(sink.port, [roads.id, bins.id]);
        h.worker();
        const first = await h.publish(target.id);
        await h.waitFor(first.deliveryId, ['delivered']);

        const mails = await savedMessages(saveDir);
        // Ann is on both lists: one email. Dee bounced: none.
        expect(mails.map(toAddress).sort()).toEqual([
          'ann@example.org',
          'bob@example.org',
          'cat@example.org',
          'eve@example.org',
        ]);
        const counts = await h.recipients.counts(first.deliveryId);
        expect(counts).toMatchObject({ total: 4, accepted: 4, rejected: 0, unconfirmed: 0, sending: 0, queued: 0 });

        const ids = new Set<string>();
        for (const mail of mails) {
          const address = toAddress(mail);
          expect(mail.subject).toBe('Roadworks on the High Street');
          expect(mail.from?.value).toEqual([{ address: 'alerts@example.gov.uk', name: 'Example Council' }]);
          expect(mail.replyTo?.value[0]?.address).toBe('contact@example.gov.uk');
          expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
          expect(mail.messageId).toMatch(/^<[A-Za-z0-9_-]{32}\.tc@example\.gov\.uk>$/);
          ids.add(mail.messageId ?? '');
          const list = mail.headers.get('list') as {
            unsubscribe: { url: string; mail: string };
            'unsubscribe-post': { name: string };
          };
          expect(list['unsubscribe-post']).toEqual({ name: 'List-Unsubscribe=One-Click' });
          expect(list.unsubscribe.mail).toBe('unsubscribe@example.gov.uk?subject=unsubscribe');
          expect(list.unsubscribe.url.startsWith(`${h.http.url}/u/`)).toBe(true);
          // The same per-recipient link in both parts, made from one render.
          expect(mail.text).toContain('The High Street is closed to traffic from 6 July for two weeks.');
          expect(mail.text).toContain(`Unsubscribe from these emails: ${list.unsubscribe.url}`);
          expect(mail.html).toContain(
            '<h1 style="font-size:28px;line-height:1.25;margin:0 0 16px;">Roadworks on the High Street</h1>',
          );
          expect(mail.html).toContain(`<a href="${list.unsubscribe.url}">Unsubscribe from these emails</a>`);
          expect(mail.html).toContain('<html lang="en-GB" dir="ltr">');
          expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : '').toBe(
            `Resident ${address.split('@')[0]}`,
          );
        }
        expect(ids.size).toBe(4);

        // One-click (RFC 8058) from Bob's own email.
        const bob = mails.find((m) => toAddress(m) === 'bob@example.org');
        const bobUrl =
          (bob?.headers.get('list') as { unsubscribe: { url: string } } | undefined)?.unsubscribe.url ?? '';
        expect(await post(bobUrl, 'List-Unsubscribe=One-Click')).toBe(200);
        expect((await h.subscribers.get(roads.ids['bob@example.org'] ?? ''))?.status).toBe('unsubscribed');
        // The unsubscribe is in the hash-chained audit log, by the subscriber through their link, and the chain holds.
        const logged = await h.db.one(
          `SELECT actor_id, actor_name FROM audit_log WHERE action = 'subscribers.unsubscribed' AND subject_id = $1`,
          [roads.ids['bob@example.org'] ?? ''],
        );
        expect(logged).toEqual({ actor_id: null, actor_name: 'Subscriber (unsubscribe link)' });
        expect(await verifyAuditChain(h.db)).toMatchObject({ ok: true });

        const second = await h.publish(target.id, 'Second update');
        await h.waitFor(second.deliveryId, ['delivered']);
        const after = (await savedMessages(saveDir)).filter((m) => m.subject === 'Second update');
        expect(after.map(toAddress).sort()).toEqual(['ann@example.org', 'cat@example.org', 'eve@example.org']);
        expect(await h.recipients.counts(second.deliveryId)).toMatchObject({ total: 3, accepted: 3 });
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );
});
