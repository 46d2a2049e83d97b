import { join } from 'node:path';
import { createCore, type Core } from '../core/app.ts';
import type { Logger } from '../core/logging/logger.ts';
import { createAesGcmCipher, createFileSecretStore, loadSecretKey } from '../core/secrets/file-secret-store.ts';
import { createFileSettingsStore } from '../core/settings/settings-store.ts';
import { openStore } from '../core/store/open-store.ts';

export type NodeCoreOptions = {
  dataDir: string;
  databaseUrl?: string | undefined;
  keyFile?: string | undefined;
  logger: Logger;
};

/**
 * The core as the Node hosts (web host, worker) run it: settings in
 * `settings.json`, secrets in `secrets.json` (mode 0600, AES-256-GCM), and the
 * store in the data folder or on PostgreSQL.
 */
export async function openNodeCore(options: NodeCoreOptions): Promise<Core> {
  const key = loadSecretKey({
    env: process.env.TOWN_CRIER_SECRET_KEY,
    keyFile: options.keyFile ?? join(options.dataDir, 'secret.key'),
  });
  const db = await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  return createCore({
    db,
    settings: createFileSettingsStore(join(options.dataDir, 'settings.json')),
    secrets: createFileSecretStore(join(options.dataDir, 'secrets.json'), createAesGcmCipher(key)),
    logger: options.logger,
  });
}
