import ElectronStore from 'electron-store';
import { Settings } from '../../shared/domain/settings.ts';
import { parseStoredSettings, type SettingsStore } from '../core/settings/settings-store.ts';

/** The part of electron-store the adapter uses: the whole document, read and replaced at once. */
export interface SettingsDocument {
  store: Record<string, unknown>;
}

/**
 * Settings kept in an electron-store document. Reads are lenient (a damaged
 * or older file falls back to defaults field by field); writes are validated,
 * so what is on disk always parses.
 */
export function createElectronSettingsStore(document: SettingsDocument): SettingsStore {
  return {
    read: async () => parseStoredSettings(document.store),
    write: async (settings) => {
      document.store = Settings.parse(settings);
    },
  };
}

/** Stored as `settings.json`, the same name and shape the Node hosts use, so a data folder moves between them. */
export const SETTINGS_NAME = 'settings';

/**
 * Opens `settings.json` in the data folder with electron-store (atomic
 * writes). Malformed JSON reads as empty (then defaults) rather than stopping
 * the app from starting: settings hold nothing that cannot be re-entered.
 */
export function openElectronSettingsStore(dataDir: string): SettingsStore {
  const document = new ElectronStore<Record<string, unknown>>({
    name: SETTINGS_NAME,
    cwd: dataDir,
    clearInvalidConfig: true,
    watch: false,
    serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
  });
  return createElectronSettingsStore(document);
}
