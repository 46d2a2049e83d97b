import { afterEach, describe, expect, it } from 'vitest';
import { callError, callOk, createScope, openTestCore, plainBody, richBody, type StoreHarness } from './store-suite.ts';

/** Version history on one engine: every save is kept, any version can be read and restored. */
export function defineVersionHistorySuite(harness: StoreHarness): void {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const freshCore = async () => openTestCore(scope, (await harness.fresh(() => scope.tempDir())).location);

  describe('version history', () => {
    it('lists every saved version newest first and reads any one exactly', async () => {
      const { core } = await freshCore();
      const v1 = await callOk(core, 'updates.create', { title: 'Draft', body: richBody() });
      const v2 = await callOk(core, 'updates.save', {
        id: v1.id,
        baseRevision: 1,
        title: 'Second',
        summary: 'Changed',
        body: plainBody('Second body'),
      });
      await callOk(core, 'updates.save', {
        id: v1.id,
        baseRevision: 2,
        title: 'Third',
        summary: '',
        body: plainBody('3'),
      });

      const versions = await callOk(core, 'updates.versions', { id: v1.id });
      expect(versions.map((v) => [v.revision, v.title])).toEqual([
        [3, 'Third'],
        [2, 'Second'],
        [1, 'Draft'],
      ]);
      expect(versions[1]?.contentHash).toBe(v2.contentHash);
      expect((await callOk(core, 'updates.versions', { id: v1.id, limit: 1 })).map((v) => v.revision)).toEqual([3]);

      const old = await callOk(core, 'updates.version', { id: v1.id, revision: 1 });
      expect(old).toMatchObject({
        updateId: v1.id,
        revision: 1,
        title: 'Draft',
        summary: '',
        contentHash: v1.contentHash,
      });
      expect(old.body).toStrictEqual(v1.body);
      expect(old.bodyHtml).toBe(v1.bodyHtml);
    });

    it('restores an old version as a new revision, keeping the history', async () => {
      const { core } = await freshCore();
      const v1 = await callOk(core, 'updates.create', { title: 'Original', body: richBody() });
      await callOk(core, 'updates.save', {
        id: v1.id,
        baseRevision: 1,
        title: 'Mistake',
        summary: '',
        body: plainBody('x'),
      });
      const restored = await callOk(core, 'updates.restore', { id: v1.id, revision: 1, baseRevision: 2 });
      expect(restored.revision).toBe(3);
      expect(restored.title).toBe('Original');
      expect(restored.body).toStrictEqual(v1.body);
      expect(restored.contentHash).toBe(v1.contentHash);
      expect((await callOk(core, 'updates.versions', { id: v1.id })).map((v) => v.revision)).toEqual([3, 2, 1]);
    });

    it('stores channels and variants with each version, hashes them, and keeps them when a save omits them', async () => {
      const { core } = await freshCore();
      const created = await callOk(core, 'updates.create', { title: 'Gritting tonight', channels: ['x', 'website'] });
      expect(created.channels).toEqual(['website', 'x']);
      const edited = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 1,
        title: created.title,
        summary: '',
        body: created.body,
        variants: { x: { text: 'Gritters out tonight \u0000from 6pm', thread: false } },
      });
      expect(edited.revision).toBe(2);
      expect(edited.channels).toEqual(['website', 'x']);
      // Stored alike on both engines (PostgreSQL refuses NUL in jsonb).
      expect(edited.variants).toEqual({ x: { text: 'Gritters out tonight from 6pm', thread: false } });
      expect(edited.contentHash).not.toBe(created.contentHash);
      const kept = await callOk(core, 'updates.save', {
        id: created.id,
        baseRevision: 2,
        title: 'Gritting tonight from 6pm',
        summary: '',
        body: created.body,
      });
      expect(kept.variants).toEqual(edited.variants);
      const reset = await callOk(core, 'updates.save', { ...kept, baseRevision: 3, variants: {} });
      expect(reset.variants).toEqual({});
      const old = await callOk(core, 'updates.version', { id: created.id, revision: 2 });
      expect(old.variants).toEqual(edited.variants);
      const restored = await callOk(core, 'updates.restore', { id: created.id, revision: 2, baseRevision: 4 });
      expect(restored.variants).toEqual(edited.variants);
      expect((await callError(core, 'updates.create', { channels: ['fax'] })).field).toBe('channels.0');
    });

    it('refuses to restore over a newer revision, and names missing versions', async () => {
      const { core } = await freshCore();
      const v1 = await callOk(core, 'updates.create', { title: 'A' });
      await callOk(core, 'updates.save', { id: v1.id, baseRevision: 1, title: 'B', summary: '', body: plainBody('b') });
      expect((await callError(core, 'updates.restore', { id: v1.id, revision: 1, baseRevision: 1 })).code).toBe(
        'conflict',
      );
      const missing = await callError(core, 'updates.version', { id: v1.id, revision: 9 });
      expect(missing).toMatchObject({ code: 'not_found', message: 'This update has no version 9' });
      const unknown = await callError(core, 'updates.versions', { id: '00000000-0000-4000-8000-000000000000' });
      expect(unknown.code).toBe('not_found');
    });
  });
}
