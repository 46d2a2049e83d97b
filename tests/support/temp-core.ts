import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/core/app.ts';
import { createLogger, type LogRecord } from '../../electron/core/logging/logger.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../electron/core/settings/settings-store.ts';
import { openStore } from '../../electron/core/store/open-store.ts';
import { ADA } from './people.ts';

/** `core` is the raw core (hosts pass sessions themselves); `session` is the first admin's, from set-up. */
export type TempCore = { core: Core; session: string; dir: string; logs: LogRecord[]; cleanup(): Promise<void> };

/** A real core on a real SQLite file in a fresh temp folder, capturing its log records. */
export async function openTempCore(): Promise<TempCore> {
  const dir = mkdtempSync(join(tmpdir(), 'town-crier-core-'));
  const logs: LogRecord[] = [];
  const db = await openStore({ dataDir: dir });
  const core = createCore({
    db,
    settings: createMemorySettingsStore(),
    secrets: createFileSecretStore(join(dir, 'secrets.json'), createAesGcmCipher(randomBytes(32))),
    logger: createLogger('test', (r) => logs.push(r)),
  });
  const admin = await core.call('auth.setup', ADA);
  if (!admin.ok) throw new Error(admin.error.message);
  return {
    core,
    session: (admin.value as { token: string }).token,
    dir,
    logs,
    cleanup: async () => {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
