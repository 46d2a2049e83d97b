import { randomBytes } from 'node:crypto';
import { signedIn } from '../../support/people.ts';
import { join } from 'node:path';
import type { Doc } from '../../../shared/content/doc.ts';
import type { Delivery, DeliveryStatus } from '../../../shared/domain/queue.ts';
import type { Variants } from '../../../shared/domain/variants.ts';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { channelSecretName } from '../../../electron/core/channels/adapter.ts';
import { BLUESKY_KIND, createBlueskyAdapter } from '../../../electron/core/channels/bluesky/bluesky-adapter.ts';
import { APP_PASSWORD_SECRET } from '../../../electron/core/channels/bluesky/settings.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker, type QueueWorker, type QueueWorkerOptions } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import {
  startBlueskyEmulator,
  type BlueskyEmulator,
  type BlueskyEmulatorOptions,
} from '../../support/bluesky-emulator.ts';
import { FAST } from '../queue/queue-harness.ts';
import { callOk, type Scope } from '../store/store-suite.ts';
import { channelRig } from './channel-rig.ts';

/**
 * Bluesky through the real queue: the built-in registry (what every host
 * ships), a SQLite store, the app password in the real secret store,
 * `queue.publish`, the real worker and @atproto/api talking to the PDS
 * emulator on 127.0.0.1.
 */

export type BlueskyRig = {
  core: Core;
  worker: QueueWorker;
  emulator: BlueskyEmulator;
  targetId: string;
  /** A second worker on the same store, with its own (fresh) Bluesky adapter: what a restarted process has. */
  restartWorker(options?: Partial<QueueWorkerOptions>): QueueWorker;
  publish(update?: { body?: Doc; variants?: Variants; title?: string; summary?: string }): Promise<string>;
  delivery(id: string): Promise<Delivery>;
  waitFor(id: string, statuses: DeliveryStatus[], timeoutMs?: number): Promise<Delivery>;
};

export async function openBlueskyRig(
  scope: Scope,
  options: BlueskyEmulatorOptions & { timeoutMs?: number; worker?: Partial<QueueWorkerOptions> } = {},
): Promise<BlueskyRig> {
  const { timeoutMs = 2000, worker: workerOptions = {}, ...emulatorOptions } = options;
  const emulator = await startBlueskyEmulator(emulatorOptions);
  const dataDir = scope.tempDir();
  const db = scope.db(await openStore({ dataDir }));
  const channels = createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS);
  const secrets = createFileSecretStore(join(dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const logger = createLogger('test', () => undefined);
  const core = await signedIn(
    scope.core(createCore({ db, settings: createMemorySettingsStore(), secrets, logger, channels })),
  );
  const credentials = (targetId: string, name: string) => secrets.get(channelSecretName(targetId, name));
  const workers: QueueWorker[] = [];
  const newWorker = (registry = channels, extra: Partial<QueueWorkerOptions> = {}) => {
    const created = createQueueWorker({
      db,
      channels: registry,
      credentials,
      logger,
      ...FAST,
      ...workerOptions,
      ...extra,
    });
    workers.push(created);
    return created;
  };
  const worker = newWorker();
  // Registered after the store, so it runs first: the workers stop and the emulator closes before the store.
  scope.db({
    ...db,
    close: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await emulator.stop();
    },
  });

  const target = await callOk(core, 'channels.create', {
    kind: BLUESKY_KIND,
    name: 'Council Bluesky',
    settings: { handle: emulator.handle, serviceUrl: emulator.url, timeoutMs },
    secrets: { [APP_PASSWORD_SECRET]: emulator.appPassword },
  });

  const rig: BlueskyRig = {
    core,
    worker,
    emulator,
    targetId: target.id,
    restartWorker: (extra = {}) => newWorker(createChannelRegistry([createBlueskyAdapter()]), extra),
    ...channelRig(core, db, 'bluesky', target.id),
  };
  return rig;
}

/** A paragraph body followed by images (`media:<id>` with alt text). */
export function bodyWithImages(text: string, images: { id: string; alt: string }[]): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'paragraph', content: [{ type: 'text', text }] },
      ...images.map((i) => ({ type: 'image' as const, attrs: { src: `media:${i.id}`, alt: i.alt } })),
    ],
  };
}

/** About `length` characters of short sentences: a three-post thread at 700. */
export function threadText(length: number): string {
  const sentence = 'Green bins are now collected on Tuesdays across the whole district. ';
  return (
    sentence
      .repeat(Math.ceil(length / sentence.length))
      .slice(0, length)
      .trim() + '.'
  );
}
