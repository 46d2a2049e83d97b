import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelSecretName } from '../../../electron/core/channels/adapter.ts';
import { verifyDkim } from '../../support/dkim-verify.ts';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { emailStores } from './email-store.ts';
import { openEmailHarness } from './email-harness.ts';

const stores = emailStores();

describe('DKIM', () => {
  it(
    'signs every message so that an independent check passes; a missing key refuses the send',
    { timeout: 60_000 },
    async () => {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const { dataDir } = await stores.open('sqlite');
      const saveDir = join(stores.tempDir(), 'mail');
      const sink = await startSmtpSink({ saveDir });
      const h = await openEmailHarness({ dataDir });
      try {
        const people = ['ann@example.org', 'bob@example.org', 'cat@example.org'];
        const list = await h.list('Roads', people);
        const dkim = { dkimDomain: 'example.gov.uk', dkimSelector: 'tc2026' };
        const unsigned = await h.target(sink.port, [list.id], dkim);
        h.worker();
        const refused = await h.publish(unsigned.id);
        const failed = await h.waitFor(refused.deliveryId, ['failed']);
        expect(failed.lastError?.message).toBe(
          'DKIM is set up for this channel, but its private key (the channel secret "dkim-key") is missing.',
        );

        const target = await h.target(sink.port, [list.id], dkim);
        await h.core.services.secrets.set(
          channelSecretName(target.id, 'dkim-key'),
          privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        );
        const { deliveryId } = await h.publish(target.id);
        await h.waitFor(deliveryId, ['delivered']);
        const files = readdirSync(saveDir).filter((f) => f.endsWith('.eml'));
        expect(files).toHaveLength(3);
        for (const file of files) {
          const raw = readFileSync(join(saveDir, file));
          const check = verifyDkim(raw, publicKey);
          expect(check).toMatchObject({ ok: true, bodyHashOk: true, domain: 'example.gov.uk', selector: 'tc2026' });
          expect(check.signedHeaders).toEqual(
            expect.arrayContaining(['from', 'to', 'subject', 'message-id', 'list-unsubscribe']),
          );
          // One changed byte in the body breaks it.
          const tampered = Buffer.from(raw.toString('latin1').replace('two weeks', 'six weeks'), 'latin1');
          expect(tampered.equals(raw)).toBe(false);
          expect(verifyDkim(tampered, publicKey)).toMatchObject({ ok: false, bodyHashOk: false });
        }
        const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
        expect(verifyDkim(readFileSync(join(saveDir, files[0] ?? '')), other).ok).toBe(false);
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );
});
