import { randomBytes } from 'node:crypto';
import { signedIn } from '../../support/people.ts';
import { join } from 'node:path';
import type { Doc } from '../../../shared/content/doc.ts';
import type { Delivery, DeliveryStatus } from '../../../shared/domain/queue.ts';
import type { Variants } from '../../../shared/domain/variants.ts';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { channelSecretName } from '../../../electron/core/channels/adapter.ts';
import { createMastodonAdapter, MASTODON_KIND } from '../../../electron/core/channels/mastodon/mastodon-adapter.ts';
import { ACCESS_TOKEN_SECRET } from '../../../electron/core/channels/mastodon/settings.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker, type QueueWorker, type QueueWorkerOptions } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import {
  startMastodonEmulator,
  type MastodonEmulator,
  type MastodonEmulatorOptions,
} from '../../support/mastodon-emulator.ts';
import { FAST } from '../queue/queue-harness.ts';
import { callOk, type Scope } from '../store/store-suite.ts';
import { channelRig } from './channel-rig.ts';

/**
 * Mastodon through the real queue: the built-in registry (what every host
 * ships), a SQLite store, the token in the real secret store, `queue.publish`,
 * the real worker, and the Mastodon emulator on 127.0.0.1.
 */

export type MastodonRig = {
  core: Core;
  worker: QueueWorker;
  emulator: MastodonEmulator;
  /** Another worker on the same store with a fresh Mastodon adapter (nothing in memory): a restarted process. */
  restartWorker(): QueueWorker;
  /** Publishes an update to the Mastodon target and returns its delivery id. */
  publish(update?: { body?: Doc; variants?: Variants; title?: string }): Promise<string>;
  delivery(id: string): Promise<Delivery>;
  waitFor(id: string, statuses: DeliveryStatus[], timeoutMs?: number): Promise<Delivery>;
};

export async function openMastodonRig(
  scope: Scope,
  options: MastodonEmulatorOptions & { timeoutMs?: number; worker?: Partial<QueueWorkerOptions> } = {},
): Promise<MastodonRig> {
  const { timeoutMs = 2000, worker: workerOptions = {}, ...emulatorOptions } = options;
  const emulator = await startMastodonEmulator(emulatorOptions);
  const dataDir = scope.tempDir();
  const db = scope.db(await openStore({ dataDir }));
  const channels = createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS);
  const secrets = createFileSecretStore(join(dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const logger = createLogger('test', () => undefined);
  const core = await signedIn(
    scope.core(createCore({ db, settings: createMemorySettingsStore(), secrets, logger, channels })),
  );
  const workers: QueueWorker[] = [];
  const newWorker = (registry = channels) => {
    const created = createQueueWorker({
      db,
      channels: registry,
      credentials: (targetId, name) => secrets.get(channelSecretName(targetId, name)),
      logger,
      ...FAST,
      ...workerOptions,
    });
    workers.push(created);
    return created;
  };
  const worker = newWorker();
  // Registered after the store, so it runs first: the workers stop and the emulator closes before the store.
  scope.db({ ...db, close: async () => (await Promise.all(workers.map((w) => w.stop())), emulator.stop()) });

  const target = await callOk(core, 'channels.create', {
    kind: MASTODON_KIND,
    name: 'Council Mastodon',
    settings: { instanceUrl: emulator.url, timeoutMs },
    secrets: { [ACCESS_TOKEN_SECRET]: emulator.token },
  });

  const rig: MastodonRig = {
    core,
    worker,
    emulator,
    restartWorker: () => newWorker(createChannelRegistry([createMastodonAdapter()])),
    ...channelRig(core, db, 'mastodon', target.id),
  };
  return rig;
}

/** A long text (about `length` characters) of short sentences, for threads. */
export function longText(length: number): string {
  const sentence = 'Green bins are now collected on Tuesdays across the whole district. ';
  return (
    sentence
      .repeat(Math.ceil(length / sentence.length))
      .slice(0, length)
      .trim() + '.'
  );
}
