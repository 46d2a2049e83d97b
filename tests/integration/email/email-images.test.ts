import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Doc } from '../../../shared/content/doc.ts';
import { makePng } from '../../support/images.ts';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { callOk } from '../store/store-suite.ts';
import { ENGINES, emailStores } from './email-store.ts';
import { openEmailHarness } from './email-harness.ts';

/**
 * Images in a sent email travel inside it: multipart/related around the
 * multipart/alternative, each image a base64 part whose Content-ID the HTML's
 * `cid:` source names, with its alt text in the HTML and the plain-text part
 * naming it. The image part is encoded once for the publication, so every
 * recipient's copy carries the same bytes.
 */
const stores = emailStores();
const ALT = 'A green wheelie bin at the kerb';
const PEOPLE = ['ann@example.org', 'bob@example.org', 'cat@example.org'];

describe.each(ENGINES)('images in email on $engine', ({ engine }) => {
  it(
    'are inline parts with matching Content-IDs, alt text, and a plain-text mention',
    { timeout: 60_000 },
    async () => {
      const { dataDir, databaseUrl } = await stores.open(engine);
      const saveDir = join(stores.tempDir(), 'mail');
      const sink = await startSmtpSink({ saveDir });
      const h = await openEmailHarness({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
      try {
        const png = makePng(40, 20, [0, 112, 60]);
        const media = await callOk(h.core, 'media.add', { name: 'bin.png', dataBase64: png.toString('base64') });
        const body: Doc = {
          type: 'doc',
          content: [
            { type: 'paragraph', content: [{ type: 'text', text: 'Put your bin out by 7am.' }] },
            { type: 'image', attrs: { src: `media:${media.id}`, alt: ALT } },
          ],
        };
        const list = await h.list('Bins', PEOPLE);
        const target = await h.target(sink.port, [list.id]);
        h.worker();
        const { deliveryId } = await h.publish(target.id, 'Bin day changes', body);
        await h.waitFor(deliveryId, ['delivered'], 30_000);
        await sink.flush();

        const files = readdirSync(saveDir).filter((f) => f.endsWith('.eml'));
        expect(files).toHaveLength(PEOPLE.length);
        const raws = files.map((f) => readFileSync(join(saveDir, f)));
        const imageParts = new Set<string>();
        for (const raw of raws) {
          const mail = await simpleParser(raw, { keepCidLinks: true });
          expect(raw.toString('latin1')).toMatch(
            /^Content-Type: multipart\/related; type="multipart\/alternative"; boundary=/m,
          );
          expect(mail.attachments).toHaveLength(1);
          const image = mail.attachments[0];
          expect(image?.contentType).toBe('image/png');
          expect(image?.contentDisposition).toBe('inline');
          expect(image?.related).toBe(true);
          expect(image?.cid).toBe(`${media.id}@town-crier`);
          expect(Buffer.compare(image?.content ?? Buffer.alloc(0), png)).toBe(0);
          const html = String(mail.html);
          expect(html).toContain(`<img src="cid:${media.id}@town-crier" alt="${ALT}">`);
          expect(mail.text).toContain(`[Image: ${ALT}]`);
          // The image part as bytes: the same in every copy (encoded once, shared).
          const text = raw.toString('latin1');
          const start = text.indexOf(`Content-ID: <${media.id}@town-crier>`);
          expect(start).toBeGreaterThan(0);
          imageParts.add(text.slice(start, text.indexOf('--', start)));
        }
        expect(imageParts.size).toBe(1);

        // "Send a test to me" carries the images too.
        const update = await callOk(h.core, 'updates.create', { title: 'Draft with a picture', summary: 'S', body });
        const test = await callOk(h.core, 'email.sendTest', {
          targetId: target.id,
          updateId: update.id,
          to: 'officer@example.gov.uk',
        });
        expect(test.ok).toBe(true);
        await sink.flush();
        const all = readdirSync(saveDir).filter((f) => f.endsWith('.eml'));
        expect(all).toHaveLength(PEOPLE.length + 1);
        const mails = await Promise.all(
          all.map((f) => simpleParser(readFileSync(join(saveDir, f)), { keepCidLinks: true })),
        );
        const testMail = mails.find((m) => String(m.subject).startsWith('[Test]'));
        expect(testMail?.attachments.map((a) => a.cid)).toEqual([`${media.id}@town-crier`]);
        expect(String(testMail?.html)).toContain(`src="cid:${media.id}@town-crier" alt="${ALT}"`);
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );

  it(
    'refuses images that add up to more than 5 MB, naming the limit, and sends nothing',
    { timeout: 60_000 },
    async () => {
      const { dataDir, databaseUrl } = await stores.open(engine);
      const saveDir = join(stores.tempDir(), 'mail');
      const sink = await startSmtpSink({ saveDir });
      const h = await openEmailHarness({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
      try {
        const ids: string[] = [];
        for (const shade of [10, 20]) {
          const big = makePng(16, 16, [shade, 0, 0], 3 * 1024 * 1024);
          ids.push((await callOk(h.core, 'media.add', { name: 'big.png', dataBase64: big.toString('base64') })).id);
        }
        const body: Doc = {
          type: 'doc',
          content: ids.map((id, i) => ({
            type: 'image' as const,
            attrs: { src: `media:${id}`, alt: `Photo ${i + 1}` },
          })),
        };
        const list = await h.list('Bins', PEOPLE);
        const target = await h.target(sink.port, [list.id]);
        h.worker();
        const { deliveryId } = await h.publish(target.id, 'Too big', body);
        const failed = await h.waitFor(deliveryId, ['failed'], 30_000);
        expect(failed.lastError?.message).toContain('add up to more than 5 MB');
        expect((await sink.stats()).accepted).toBe(0);
      } finally {
        await h.close();
        await sink.stop();
      }
    },
  );
});
