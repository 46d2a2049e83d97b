import { readFile } from 'node:fs/promises';
import { Settings, type SettingsPatch } from '../../../shared/domain/settings.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';

/** Where settings are kept: electron-store in the desktop app, a JSON file in the Node hosts. */
export interface SettingsStore {
  read(): Promise<Settings>;
  write(settings: Settings): Promise<void>;
}

/** Applies a patch and validates the whole result, so a stored settings file is always valid. */
export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  return Settings.parse({ ...current, ...patch });
}

/** Reads stored settings leniently: a damaged or older file falls back to defaults field by field. */
export function parseStoredSettings(raw: unknown): Settings {
  const full = Settings.safeParse(raw);
  if (full.success) return full.data;
  const defaults = Settings.parse({});
  if (!raw || typeof raw !== 'object') return defaults;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(key in defaults)) continue;
    const candidate = Settings.safeParse({ ...defaults, [key]: value });
    if (candidate.success) out[key] = value;
  }
  return Settings.parse(out);
}

/** Settings in `settings.json` in the data folder (web host, worker). */
export function createFileSettingsStore(path: string): SettingsStore {
  return {
    async read() {
      try {
        return parseStoredSettings(JSON.parse(await readFile(path, 'utf8')));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Settings.parse({});
        if (error instanceof SyntaxError) return Settings.parse({});
        throw error;
      }
    },
    write: (settings) => writeFileAtomic(path, `${JSON.stringify(settings, null, 2)}\n`, 0o644),
  };
}

/** Settings held in memory, for tests and throwaway cores. */
export function createMemorySettingsStore(initial: Partial<Settings> = {}): SettingsStore {
  let current = Settings.parse(initial);
  return {
    read: async () => current,
    write: async (s) => {
      current = s;
    },
  };
}
