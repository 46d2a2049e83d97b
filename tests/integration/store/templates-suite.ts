import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_TEMPLATES } from '../../../shared/content/example-templates.ts';
import { callError, callOk, createScope, openTestCore, richBody, type StoreHarness } from './store-suite.ts';

/** Templates on one engine: the shipped examples, saving an update as a template, and starting from one. */
export function defineTemplatesSuite(harness: StoreHarness): void {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const freshCore = async () => openTestCore(scope, (await harness.fresh(() => scope.tempDir())).location);

  describe('templates', () => {
    it('ships the road closure, bin collection and severe weather examples', async () => {
      const { core } = await freshCore();
      const list = await callOk(core, 'templates.list', {});
      expect(list.map((t) => t.name)).toEqual(['Road closure', 'Bin collection change', 'Severe weather warning']);
      expect(list.every((t) => t.builtIn)).toBe(true);
    });

    it('starts a new update from a built-in template without changing the template', async () => {
      const { core } = await freshCore();
      const update = await callOk(core, 'templates.use', { templateId: 'builtin:road-closure' });
      const example = EXAMPLE_TEMPLATES[0];
      expect(update.revision).toBe(1);
      expect(update.title).toBe(example?.title);
      expect(update.body).toStrictEqual(example?.body);
      expect(update.bodyHtml).toContain('<h2>Diversion</h2>');
      const again = await callOk(core, 'templates.use', { templateId: 'builtin:road-closure', title: 'A6 closed' });
      expect(again.id).not.toBe(update.id);
      expect(again.title).toBe('A6 closed');
    });

    it('saves an update as a template, lists it, starts from it and deletes it', async () => {
      const { core } = await freshCore();
      const source = await callOk(core, 'updates.create', {
        title: 'Library closed',
        summary: 'For staff training',
        body: richBody(),
      });
      const saved = await callOk(core, 'templates.saveFromUpdate', { updateId: source.id, name: 'Library closure' });
      expect(saved).toMatchObject({ name: 'Library closure', title: 'Library closed', builtIn: false });
      expect(saved.body).toStrictEqual(source.body);
      expect((await callOk(core, 'templates.list', {})).map((t) => t.name)).toContain('Library closure');

      const started = await callOk(core, 'templates.use', { templateId: saved.id });
      expect(started.summary).toBe('For staff training');
      expect(started.contentHash).toBe(source.contentHash);

      expect(await callOk(core, 'templates.delete', { id: saved.id })).toEqual({ deleted: true });
      expect(await callOk(core, 'templates.delete', { id: saved.id })).toEqual({ deleted: false });
      expect((await callError(core, 'templates.use', { templateId: saved.id })).code).toBe('not_found');
    });

    it('refuses duplicate names (ignoring case), built-in names, and deleting a built-in', async () => {
      const { core } = await freshCore();
      const source = await callOk(core, 'updates.create', { title: 'x' });
      await callOk(core, 'templates.saveFromUpdate', { updateId: source.id, name: 'Flooding' });
      const duplicate = await callError(core, 'templates.saveFromUpdate', { updateId: source.id, name: 'FLOODING' });
      expect(duplicate).toMatchObject({ code: 'conflict', field: 'name' });
      expect(duplicate.message).toContain('already a template called "FLOODING"');
      const builtIn = await callError(core, 'templates.saveFromUpdate', { updateId: source.id, name: 'road closure' });
      expect(builtIn.code).toBe('conflict');
      expect((await callError(core, 'templates.delete', { id: 'builtin:severe-weather' })).code).toBe('forbidden');
      expect((await callError(core, 'templates.saveFromUpdate', { updateId: source.id, name: '  ' })).field).toBe(
        'name',
      );
    });
  });
}
