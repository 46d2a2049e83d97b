import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFileSettingsStore,
  mergeSettings,
  parseStoredSettings,
} from '../../../electron/core/settings/settings-store.ts';
import { Settings } from '../../../shared/domain/settings.ts';

describe('settings', () => {
  it('keeps valid fields of a partly damaged file and defaults the rest', () => {
    const parsed = parseStoredSettings({ organisationName: 'Stockport Council', idleLockMinutes: 'soon', extra: true });
    expect(parsed.organisationName).toBe('Stockport Council');
    expect(parsed.idleLockMinutes).toBe(15);
    expect(parsed).not.toHaveProperty('extra');
  });

  it('validates the whole result of a patch', () => {
    expect(() => mergeSettings(Settings.parse({}), { idleLockMinutes: 0 })).toThrow();
    expect(() => mergeSettings(Settings.parse({}), { publicBaseUrl: 'javascript:alert(1)' })).toThrow();
    expect(mergeSettings(Settings.parse({}), { publicBaseUrl: 'https://alerts.example.gov.uk' }).publicBaseUrl).toBe(
      'https://alerts.example.gov.uk',
    );
  });

  it('round-trips through the settings file, and survives a corrupt one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-settings-'));
    const store = createFileSettingsStore(join(dir, 'settings.json'));
    expect((await store.read()).organisationName).toBe('Your council');
    await store.write(mergeSettings(await store.read(), { organisationName: 'Tameside' }));
    expect((await store.read()).organisationName).toBe('Tameside');
    writeFileSync(join(dir, 'settings.json'), '{not json');
    expect((await store.read()).organisationName).toBe('Your council');
  });
});
