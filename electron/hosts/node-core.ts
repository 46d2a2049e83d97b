import { join } from 'node:path';
import { createCore, type Core } from '../core/app.ts';
import type { ChannelRegistry } from '../core/channels/registry.ts';
import type { Logger } from '../core/logging/logger.ts';
import type { HostWorkerOptions } from '../core/queue/host-worker.ts';
import type { ThreadTuning } from '../core/queue/worker-thread-protocol.ts';
import type { SecretStore } from '../core/secrets/secret-store.ts';
import type { SettingsStore } from '../core/settings/settings-store.ts';
import type { SqlDb } from '../core/store/sql.ts';
import { createAesGcmCipher, createFileSecretStore, loadSecretKey } from '../core/secrets/file-secret-store.ts';
import { createFileSettingsStore } from '../core/settings/settings-store.ts';
import { openStore } from '../core/store/open-store.ts';

export type NodeCoreOptions = {
  dataDir: string;
  databaseUrl?: string | undefined;
  keyFile?: string | undefined;
  logger: Logger;
  /** The channel kinds this host can publish to. */
  channels?: ChannelRegistry;
  /** Run the queue worker in this process's own thread (`--worker-in-process`). */
  worker?: HostWorkerOptions | undefined;
  /**
   * Run the queue worker in a worker thread (the web host's default unless
   * `--no-worker`): the tuning it gets and the `--channels-module` files it loads.
   */
  workerThread?: { tuning: ThreadTuning; channelModules: readonly string[] } | undefined;
};

/** The worker thread's entry, run from source by Node's type stripping (the desktop build bundles its own). */
export const WORKER_THREAD_ENTRY = new URL('./worker-thread.ts', import.meta.url);

/**
 * The core as the Node hosts (web host, worker) run it: settings in
 * `settings.json`, secrets in `secrets.json` (mode 0600, AES-256-GCM), and the
 * store in the data folder or on PostgreSQL.
 */
export async function openNodeCore(options: NodeCoreOptions): Promise<Core> {
  return createCore({
    ...(await openNodeStores(options)),
    logger: options.logger,
    channels: options.channels,
    crossProcessEvents: true,
    ...(options.worker === undefined ? {} : { worker: options.worker }),
    ...(options.workerThread === undefined
      ? {}
      : {
          workerThread: {
            entry: WORKER_THREAD_ENTRY,
            store: { dataDir: options.dataDir, databaseUrl: options.databaseUrl },
            tuning: options.workerThread.tuning,
            channelModules: options.workerThread.channelModules,
          },
        }),
  });
}

/** The stores of a Node host without a Core around them: the headless worker needs only these. */
export async function openNodeStores(
  options: Omit<NodeCoreOptions, 'logger' | 'channels' | 'worker' | 'workerThread'>,
): Promise<{ db: SqlDb; settings: SettingsStore; secrets: SecretStore }> {
  const key = loadSecretKey({
    env: process.env.TOWN_CRIER_SECRET_KEY,
    keyFile: options.keyFile ?? join(options.dataDir, 'secret.key'),
  });
  const db = await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  return {
    db,
    settings: createFileSettingsStore(join(options.dataDir, 'settings.json')),
    secrets: createFileSecretStore(join(options.dataDir, 'secrets.json'), createAesGcmCipher(key)),
  };
}
