import { randomBytes } from 'node:crypto';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import { eventually, FAST } from '../queue/queue-harness.ts';
import { callError, callOk, createScope } from '../store/store-suite.ts';
import { PNG } from './static-site-fixtures.ts';

/**
 * The static site through the real queue: the built-in registry (what every
 * host ships), a SQLite store, `queue.publish`, and the real worker writing
 * into a temporary folder.
 */

const scope = createScope();
afterEach(() => scope.dispose());

async function openCore() {
  const dataDir = scope.tempDir();
  const db = scope.db(await openStore({ dataDir }));
  const channels = createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS);
  const secrets = createFileSecretStore(join(dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const logger = createLogger('test', () => undefined);
  const core = await signedIn(
    scope.core(createCore({ db, settings: createMemorySettingsStore(), secrets, logger, channels })),
  );
  const worker = createQueueWorker({ db, channels, credentials: async () => undefined, logger, ...FAST });
  scope.db({ ...db, close: () => worker.stop() });
  return { core, worker };
}

describe('static site through the queue', () => {
  it('channels.create accepts website.static and refuses bad settings with the field', async () => {
    const { core } = await openCore();
    const error = await callError(core, 'channels.create', {
      kind: 'website.static',
      name: 'News site',
      settings: { folder: 'relative/path', siteUrl: 'https://news.example.gov.uk', siteTitle: 'Council' },
    });
    expect(error).toMatchObject({ code: 'invalid_input', field: 'settings.folder' });
  });

  it('publishes an update: the worker writes the page and the delivery is delivered with its address', async () => {
    const { core, worker } = await openCore();
    const folder = join(scope.tempDir(), 'site');
    mkdirSync(folder);
    const target = await callOk(core, 'channels.create', {
      kind: 'website.static',
      name: 'Council news site',
      settings: { folder, siteUrl: 'https://news.example.gov.uk/', siteTitle: 'Borsetshire Council' },
    });
    const image = await callOk(core, 'media.add', { name: 'bin.png', dataBase64: PNG.toString('base64') });
    const update = await callOk(core, 'updates.create', {
      title: 'Bin collections change',
      summary: 'From Monday',
      body: {
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'Green bins are collected on Tuesdays.' }] },
          { type: 'image', attrs: { src: `media:${image.id}`, alt: 'A green wheelie bin' } },
        ],
      },
      channels: ['website'],
      variants: { website: { title: 'Green bins move to Tuesdays' } },
    });
    await approveCurrent(core, update.id);
    const publication = await callOk(core, 'queue.publish', { updateId: update.id, targetIds: [target.id] });
    worker.start();
    const deliveryId = publication.deliveries[0]?.id ?? '';
    let delivered: { status: string; externalUrl: string | null; externalId: string | null } | undefined;
    await eventually('the delivery is delivered', async () => {
      const detail = await callOk(core, 'queue.get', { publicationId: publication.id });
      delivered = detail.deliveries.find((d) => d.id === deliveryId);
      return delivered?.status === 'delivered' || delivered?.status === 'failed';
    });
    expect(delivered).toMatchObject({
      status: 'delivered',
      externalId: 'green-bins-move-to-tuesdays',
      externalUrl: 'https://news.example.gov.uk/news/green-bins-move-to-tuesdays/',
    });
    const page = readFileSync(join(folder, 'news/green-bins-move-to-tuesdays/index.html'), 'utf8');
    expect(page).toContain('<title>Green bins move to Tuesdays – Borsetshire Council</title>');
    expect(page).toContain('<h1>Green bins move to Tuesdays</h1>');
    expect(page).toContain(`<img src="../../media/${image.id}.png" alt="A green wheelie bin">`);
    expect(readFileSync(join(folder, `media/${image.id}.png`))).toEqual(PNG);
    expect(readFileSync(join(folder, 'feed.json'), 'utf8')).toContain('green-bins-move-to-tuesdays');
  });
});
