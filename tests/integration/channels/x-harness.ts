import { randomBytes } from 'node:crypto';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createCore } from '../../../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import type { Doc } from '../../../shared/content/doc.ts';
import type { Delivery } from '../../../shared/domain/queue.ts';
import type { Variants } from '../../../shared/domain/variants.ts';
import { startXEmulator, type XEmulator } from '../../support/x-emulator.ts';
import { eventually, FAST } from '../queue/queue-harness.ts';
import { callOk, type createScope } from '../store/store-suite.ts';

/**
 * The X channel through the real queue: the built-in registry, a SQLite
 * store, `queue.publish`, the real worker and the real twitter-api-v2 client
 * talking to the X emulator on 127.0.0.1.
 */

export type XHarness = Awaited<ReturnType<typeof openXHarness>>;

/** A paragraph body, optionally followed by images (`media:<id>` with alt text). */
export function xBody(text: string, images: { id: string; alt: string }[] = []): Doc {
  return {
    type: 'doc',
    content: [
      { type: 'paragraph', content: [{ type: 'text', text }] },
      ...images.map((i) => ({ type: 'image' as const, attrs: { src: `media:${i.id}`, alt: i.alt } })),
    ],
  };
}

/** Opens a core and a worker whose X secrets are the emulator account's (a test may change them). */
export async function openXHarness(scope: ReturnType<typeof createScope>, options: { timeoutMs?: number } = {}) {
  const emulator: XEmulator = await startXEmulator();
  onTestFinished(() => emulator.close());
  const secrets: Record<string, string> = {
    api_key: emulator.account.consumerKey,
    api_secret: emulator.account.consumerSecret,
    access_token: emulator.account.token,
    access_secret: emulator.account.tokenSecret,
  };
  const dataDir = scope.tempDir();
  const db = scope.db(await openStore({ dataDir }));
  const channels = createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS);
  const secretStore = createFileSecretStore(join(dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const logger = createLogger('test', () => undefined);
  const core = await signedIn(
    scope.core(createCore({ db, settings: createMemorySettingsStore(), secrets: secretStore, logger, channels })),
  );
  const credentials = async (_targetId: string, name: string) => secrets[name];
  const worker = createQueueWorker({ db, channels, credentials, logger, ...FAST });
  scope.db({ ...db, close: () => worker.stop() });
  const target = await callOk(core, 'channels.create', {
    kind: 'social.x',
    name: 'Council X account',
    settings: { apiBaseUrl: emulator.url, timeoutMs: options.timeoutMs ?? 5000 },
    secrets,
  });

  /** Creates an update for X and publishes it; the worker is started by the test. */
  async function publish(input: { title?: string; body: Doc; variants?: Variants }) {
    const update = await callOk(core, 'updates.create', {
      title: input.title ?? 'Bin collections change',
      summary: '',
      body: input.body,
      channels: ['x'],
      variants: input.variants ?? {},
    });
    await approveCurrent(core, update.id);
    const publication = await callOk(core, 'queue.publish', { updateId: update.id, targetIds: [target.id] });
    return { publicationId: publication.id, deliveryId: publication.deliveries[0]?.id ?? '' };
  }

  async function delivery(sent: { publicationId: string; deliveryId: string }): Promise<Delivery | undefined> {
    const detail = await callOk(core, 'queue.get', { publicationId: sent.publicationId });
    return detail.deliveries.find((d) => d.id === sent.deliveryId);
  }

  /** Waits until the delivery reaches one of `statuses`, and returns it. */
  async function until(sent: { publicationId: string; deliveryId: string }, ...statuses: Delivery['status'][]) {
    let found: Delivery | undefined;
    await eventually(`the delivery is ${statuses.join(' or ')}`, async () => {
      found = await delivery(sent);
      return found !== undefined && statuses.includes(found.status);
    });
    if (!found) throw new Error('The delivery is missing');
    return found;
  }

  return { core, worker, emulator, secrets, target, publish, delivery, until };
}
