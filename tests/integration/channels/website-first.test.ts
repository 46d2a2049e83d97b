import { randomBytes } from 'node:crypto';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import { channelAdapters, SINK_KIND } from '../../support/http-sink-channel.ts';
import { startHttpSink } from '../../support/http-sink-server.ts';
import { eventually, FAST } from '../queue/queue-harness.ts';
import { callOk, createScope } from '../store/store-suite.ts';

/**
 * The website goes first: the other channels of a publication wait for the
 * website delivery, then carry the address of the article it published.
 */

const scope = createScope();
afterEach(() => scope.dispose());

it('holds the other channels until the website is delivered, then they link to the published article', async () => {
  const dataDir = scope.tempDir();
  const db = scope.db(await openStore({ dataDir }));
  const channels = createChannelRegistry([...BUILT_IN_CHANNEL_ADAPTERS, ...channelAdapters]);
  const secrets = createFileSecretStore(join(dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const logger = createLogger('test', () => undefined);
  const core = await signedIn(
    scope.core(createCore({ db, settings: createMemorySettingsStore(), secrets, logger, channels })),
  );
  const sink = await startHttpSink();
  scope.db({ ...db, close: () => sink.stop() });

  const folder = join(scope.tempDir(), 'site');
  mkdirSync(folder);
  const website = await callOk(core, 'channels.create', {
    kind: 'website.static',
    name: 'News site',
    settings: { folder, siteUrl: 'https://news.example.gov.uk', siteTitle: 'Borsetshire Council' },
  });
  const social = await callOk(core, 'channels.create', {
    kind: SINK_KIND,
    name: 'Social',
    settings: { url: sink.url },
  });
  const update = await callOk(core, 'updates.create', { title: 'Library reopens', summary: 'On Monday at 9am.' });
  // The social target is listed first: publishing still puts the website first.
  await approveCurrent(core, update.id);
  const publication = await callOk(core, 'queue.publish', { updateId: update.id, targetIds: [social.id, website.id] });
  const socialDelivery = publication.deliveries.find((d) => d.targetId === social.id);
  const websiteDelivery = publication.deliveries.find((d) => d.targetId === website.id);
  expect(socialDelivery?.status).toBe('queued');

  // Cancelling the website lets the others go, without a link to an article that will not exist.
  await callOk(core, 'queue.cancel', { deliveryId: websiteDelivery?.id ?? '' });
  const worker = createQueueWorker({ db, channels, credentials: async () => undefined, logger, ...FAST });
  scope.db({ ...db, close: () => worker.stop() });
  worker.start();
  await eventually('the social post went without the website', () => sink.requests.length === 1);
  expect(sink.requests[0]?.text).not.toContain('https://news.example.gov.uk');
  await worker.stop();

  // A fresh publication with the website left to go: the social post goes after it and links to it.
  await approveCurrent(core, update.id);
  const second = await callOk(core, 'queue.publish', { updateId: update.id, targetIds: [social.id, website.id] });
  const again = createQueueWorker({ db, channels, credentials: async () => undefined, logger, ...FAST });
  scope.db({ ...db, close: () => again.stop() });
  again.start();
  await eventually('both delivered', async () => {
    const detail = await callOk(core, 'queue.get', { publicationId: second.id });
    return detail.deliveries.every((d) => d.status === 'delivered');
  });
  const detail = await callOk(core, 'queue.get', { publicationId: second.id });
  const site = detail.deliveries.find((d) => d.targetId === website.id);
  expect(site?.externalUrl).toBe('https://news.example.gov.uk/news/library-reopens/');
  expect(sink.requests).toHaveLength(2);
  expect(sink.requests[1]?.text).toContain(site?.externalUrl ?? 'missing');
});
