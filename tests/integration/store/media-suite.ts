import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Doc } from '../../../shared/content/doc.ts';
import { MAX_IMAGE_BYTES } from '../../../shared/media/image-type.ts';
import { makePng } from '../../support/images.ts';
import { callError, callOk, createScope, openTestCore, type StoreHarness } from './store-suite.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Images on one engine: stored as bytes in the database, content-addressed, checked by their bytes. */
export function defineMediaSuite(harness: StoreHarness): void {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const freshCore = async () => openTestCore(scope, (await harness.fresh(() => scope.tempDir())).location);

  describe('media', () => {
    it('stores an image and gives back exactly the same bytes', async () => {
      const { core, db } = await freshCore();
      // Every byte value, including 0x00 and high bytes, after a real PNG header.
      const bytes = Buffer.concat([makePng(4, 3, [10, 200, 30]), randomBytes(4096), Buffer.from([0, 255, 0, 128])]);
      const added = await callOk(core, 'media.add', { name: 'map.png', type: 'image/png', dataBase64: b64(bytes) });
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(added).toEqual({ id: sha, type: 'image/png', bytes: bytes.length, width: 4, height: 3 });
      const got = await callOk(core, 'media.get', { id: added.id });
      expect(got.type).toBe('image/png');
      expect(Buffer.from(got.dataBase64, 'base64').equals(bytes)).toBe(true);
      const row = await db.one('SELECT size, type FROM media WHERE id = $1', [sha]);
      expect(row).toEqual({ size: bytes.length, type: 'image/png' });
    });

    it('stores the same image once, whatever it is called', async () => {
      const { core, db } = await freshCore();
      const png = makePng(2, 2, [1, 2, 3]);
      const first = await callOk(core, 'media.add', { name: 'a.png', type: 'image/png', dataBase64: b64(png) });
      const again = await callOk(core, 'media.add', { name: 'copy of a.png', type: '', dataBase64: b64(png) });
      expect(again).toEqual(first);
      expect(await db.one('SELECT count(*) AS n FROM media')).toEqual({ n: 1 });
    });

    it('takes the type from the bytes, not the name or the declared type', async () => {
      const { core } = await freshCore();
      const png = makePng(1, 1, [9, 9, 9]);
      const added = await callOk(core, 'media.add', { name: 'photo.jpg', type: 'image/jpeg', dataBase64: b64(png) });
      expect(added.type).toBe('image/png');
    });

    it('refuses a text file named .png, saying what is accepted', async () => {
      const { core, db } = await freshCore();
      const error = await callError(core, 'media.add', {
        name: 'notes.png',
        type: 'image/png',
        dataBase64: b64(Buffer.from('Meeting notes: not an image')),
      });
      expect(error).toMatchObject({ code: 'invalid_input', field: 'dataBase64' });
      expect(error.message).toBe(
        '"notes.png" is not a PNG, JPEG, GIF or WebP image (its contents are not in any of those formats). Choose an image saved in one of them.',
      );
      expect(await db.one('SELECT count(*) AS n FROM media')).toEqual({ n: 0 });
    });

    it('refuses an image of 10 MB and one byte, naming its size and the limit', async () => {
      const { core, db } = await freshCore();
      const big = makePng(1, 1, [0, 0, 0], MAX_IMAGE_BYTES + 1);
      expect(big.length).toBe(MAX_IMAGE_BYTES + 1);
      const error = await callError(core, 'media.add', { name: 'huge.png', type: 'image/png', dataBase64: b64(big) });
      expect(error.code).toBe('too_large');
      expect(error.message).toBe('This image is 10.1 MB. The largest image Town Crier accepts is 10 MB.');
      expect(await db.one('SELECT count(*) AS n FROM media')).toEqual({ n: 0 });
      // Exactly 10 MB is fine.
      const limit = makePng(1, 1, [0, 0, 0], MAX_IMAGE_BYTES);
      expect((await callOk(core, 'media.add', { name: 'ok.png', type: '', dataBase64: b64(limit) })).bytes).toBe(
        MAX_IMAGE_BYTES,
      );
    });

    it('answers not_found for an id that is not stored', async () => {
      const { core } = await freshCore();
      expect((await callError(core, 'media.get', { id: 'c'.repeat(64) })).code).toBe('not_found');
      expect((await callError(core, 'media.get', { id: '../../etc/passwd' })).code).toBe('invalid_input');
    });

    it('refuses a body whose image is not from the media store', async () => {
      const { core } = await freshCore();
      const body = (src: string) =>
        ({ type: 'doc', content: [{ type: 'image', attrs: { src, alt: 'Logo' } }] }) as unknown as Doc;
      for (const src of ['https://tracker.example.com/p.gif', 'data:image/gif;base64,R0lGOD', 'media:1234']) {
        const error = await callError(core, 'updates.create', { title: 'x', body: body(src) });
        expect(error).toMatchObject({ code: 'invalid_input', field: 'body.content.0.attrs.src' });
      }
      const ok = await callOk(core, 'updates.create', { title: 'x', body: body(`media:${'d'.repeat(64)}`) });
      expect(ok.bodyHtml).toBe(`<figure><img data-media-id="${'d'.repeat(64)}" alt="Logo"></figure>`);
    });

    it('keeps a caption, sanitised by the core, through versions, restore and the content hash', async () => {
      const { core } = await freshCore();
      const png = makePng(3, 1, [7, 7, 7]);
      const { id: mediaId } = await callOk(core, 'media.add', { name: 'a.png', type: '', dataBase64: b64(png) });
      const body = (caption: string | null): Doc => ({
        type: 'doc',
        content: [{ type: 'image', attrs: { src: `media:${mediaId}`, alt: 'A map of the diversion', caption } }],
      });
      const v1 = await callOk(core, 'updates.create', { title: 'Road closed', body: body(null) });
      // A tampered client sends a caption with a line break, a NUL and a bidi override: the core cleans it.
      const v2 = await callOk(core, 'updates.save', {
        id: v1.id,
        baseRevision: v1.revision,
        title: v1.title,
        summary: '',
        body: body(' Diversion\u0000 via\n the A34\u202e '),
      });
      expect(v2.body.content[0]).toEqual({
        type: 'image',
        attrs: { src: `media:${mediaId}`, alt: 'A map of the diversion', caption: 'Diversion via the A34' },
      });
      expect(v2.bodyHtml).toBe(
        `<figure><img data-media-id="${mediaId}" alt="A map of the diversion"><figcaption>Diversion via the A34</figcaption></figure>`,
      );
      expect(v2.contentHash).not.toBe(v1.contentHash);
      // The same content with the caption changed is a new version with another hash.
      const v3 = await callOk(core, 'updates.save', {
        id: v1.id,
        baseRevision: v2.revision,
        title: v1.title,
        summary: '',
        body: body('Diversion via the A6'),
      });
      expect(v3.revision).toBe(3);
      expect(v3.contentHash).not.toBe(v2.contentHash);
      const old = await callOk(core, 'updates.version', { id: v1.id, revision: 2 });
      expect(old.body.content[0]).toMatchObject({ attrs: { caption: 'Diversion via the A34' } });
      const restored = await callOk(core, 'updates.restore', { id: v1.id, revision: 2, baseRevision: 3 });
      expect(restored.contentHash).toBe(v2.contentHash);
      expect(restored.body).toEqual(v2.body);
      // Too long is refused with the path of the field.
      const error = await callError(core, 'updates.save', {
        id: v1.id,
        baseRevision: restored.revision,
        title: v1.title,
        summary: '',
        body: body('x'.repeat(501)),
      });
      expect(error).toMatchObject({ code: 'invalid_input', field: 'body.content.0.attrs.caption' });
    });

    it('updates.check blocks an update whose image has no alt text, naming the image', async () => {
      const { core } = await freshCore();
      const png = makePng(2, 1, [5, 5, 5]);
      const { id: mediaId } = await callOk(core, 'media.add', { name: 'a.png', type: '', dataBase64: b64(png) });
      const body = (alt: string): Doc => ({
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'The road is closed.' }] },
          { type: 'image', attrs: { src: `media:${mediaId}`, alt } },
        ],
      });
      const update = await callOk(core, 'updates.create', {
        title: 'Road closed',
        summary: 'The A6 is closed.',
        body: body(''),
        channels: ['website', 'email', 'x'],
      });
      const check = await callOk(core, 'updates.check', { id: update.id });
      expect(check.blocking).toBe(1);
      expect(check.findings[0]).toMatchObject({ severity: 'blocking', where: 'image 1' });

      const saved = await callOk(core, 'updates.save', {
        id: update.id,
        baseRevision: update.revision,
        title: update.title,
        summary: update.summary,
        body: body('A map of the diversion'),
      });
      expect(saved.revision).toBe(2);
      expect((await callOk(core, 'updates.check', { id: update.id })).blocking).toBe(0);
      expect((await callError(core, 'updates.check', { id: crypto.randomUUID() })).code).toBe('not_found');
    });
  });
}
