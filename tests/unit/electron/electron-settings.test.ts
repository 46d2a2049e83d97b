import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileSettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { createElectronSettingsStore, openElectronSettingsStore } from '../../../electron/main/settings.ts';
import { Settings } from '../../../shared/domain/settings.ts';
import { ConfElectronStore } from '../../support/conf-electron-store.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);
vi.mock('electron-store', async () => ({
  default: (await import('../../support/conf-electron-store.ts')).ConfElectronStore,
}));

const DEFAULTS = Settings.parse({});

describe('the settings adapter', () => {
  it('reads defaults from an empty document', async () => {
    expect(await createElectronSettingsStore({ store: {} }).read()).toEqual(DEFAULTS);
  });

  it('keeps valid fields and drops damaged ones field by field', async () => {
    const store = createElectronSettingsStore({
      store: { organisationName: 'Borsetshire', idleLockMinutes: -4, stray: 1 },
    });
    expect(await store.read()).toEqual({ ...DEFAULTS, organisationName: 'Borsetshire' });
  });

  it('refuses to write settings that break the schema', async () => {
    const document = { store: {} as Record<string, unknown> };
    const store = createElectronSettingsStore(document);
    await expect(store.write({ ...DEFAULTS, idleLockMinutes: 0 })).rejects.toThrow();
    expect(document.store).toEqual({});
  });
});

describe('settings.json through electron-store', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tc-settings-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens settings.json in the data folder, tolerating a damaged file', () => {
    openElectronSettingsStore(dir);
    expect(ConfElectronStore.opened.at(-1)).toMatchObject({ name: 'settings', cwd: dir, clearInvalidConfig: true });
  });

  it('persists across reopening, in the same file the Node hosts read', async () => {
    const saved = { ...DEFAULTS, organisationName: 'Ambridge Parish Council', idleLockMinutes: 30 };
    await openElectronSettingsStore(dir).write(saved);
    expect(await openElectronSettingsStore(dir).read()).toEqual(saved);
    expect(await createFileSettingsStore(join(dir, 'settings.json')).read()).toEqual(saved);
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toMatch(/\n {2}"organisationName"/);
  });

  it('starts from defaults when settings.json is not JSON', async () => {
    await writeFile(join(dir, 'settings.json'), '{ not json');
    expect(await openElectronSettingsStore(dir).read()).toEqual(DEFAULTS);
  });
});
