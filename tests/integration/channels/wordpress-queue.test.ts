import { randomBytes } from 'node:crypto';
import { approveCurrent, approverFor, signedIn } from '../../support/people.ts';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createCore } from '../../../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import type { Doc } from '../../../shared/content/doc.ts';
import type { Delivery } from '../../../shared/domain/queue.ts';
import { channelAdapters, SINK_KIND } from '../../support/http-sink-channel.ts';
import { startHttpSink } from '../../support/http-sink-server.ts';
import { startWordPress, type WordPressSite } from '../../support/wordpress.ts';
import { eventually, FAST } from '../queue/queue-harness.ts';
import { callError, callOk, createScope } from '../store/store-suite.ts';
import { droppingFetch, isCreatePost, plainBody, PNG, restReader } from './wordpress-fixtures.ts';

/**
 * The WordPress channel through the real queue: the built-in registry, a
 * SQLite store, `queue.publish`, and the real worker publishing to a real
 * WordPress (Debian's package on PHP's built-in server and MariaDB).
 */

let site: WordPressSite;
beforeAll(async () => {
  site = await startWordPress();
}, 60_000);
afterAll(() => site?.stop());

const scope = createScope();
afterEach(() => scope.dispose());

type RestPost = { id: number; status: string; link: string; title: { raw: string }; content: { raw: string } };

async function openHarness(
  options: { password?: string; fetch?: typeof fetch; settings?: Record<string, unknown> } = {},
) {
  const dataDir = scope.tempDir();
  const db = scope.db(await openStore({ dataDir }));
  const channels = createChannelRegistry([...BUILT_IN_CHANNEL_ADAPTERS, ...channelAdapters]);
  const secrets = createFileSecretStore(join(dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const logs: string[] = [];
  const logger = createLogger('test', (record) => void logs.push(JSON.stringify(record)));
  const core = await signedIn(
    scope.core(createCore({ db, settings: createMemorySettingsStore(), secrets, logger, channels })),
  );
  const password = options.password ?? site.author.appPassword;
  const credentials = async (_targetId: string, name: string) => (name === 'app_password' ? password : undefined);
  /** A new worker, started (a stopped worker is not restarted: the app makes a new one too). */
  function startWorker() {
    const worker = createQueueWorker({
      db,
      channels,
      credentials,
      logger,
      ...FAST,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    scope.db({ ...db, close: () => worker.stop() });
    worker.start();
    return worker;
  }
  const target = await callOk(core, 'channels.create', {
    kind: 'website.wordpress',
    name: 'Council website',
    settings: { siteUrl: `${site.url}/`, username: site.author.username, timeoutMs: 10_000, ...options.settings },
    secrets: { app_password: password },
  });

  async function publish(title: string, body: Doc = plainBody(), others: string[] = []) {
    const update = await callOk(core, 'updates.create', {
      title,
      summary: 'From Monday.',
      body,
      channels: ['website'],
      variants: {},
    });
    await approveCurrent(core, update.id);
    const publication = await callOk(core, 'queue.publish', {
      updateId: update.id,
      targetIds: [...others, target.id],
    });
    const deliveryId = publication.deliveries.find((d) => d.targetId === target.id)?.id ?? '';
    return { publicationId: publication.id, deliveryId, deliveries: publication.deliveries };
  }

  async function until(sent: { publicationId: string; deliveryId: string }, ...statuses: Delivery['status'][]) {
    let found: Delivery | undefined;
    await eventually(`the delivery is ${statuses.join(' or ')}`, async () => {
      const detail = await callOk(core, 'queue.get', { publicationId: sent.publicationId });
      found = detail.deliveries.find((d) => d.id === sent.deliveryId);
      return found !== undefined && statuses.includes(found.status);
    });
    if (!found) throw new Error('The delivery is missing');
    return found;
  }

  /** The delivery's path through the statuses, with the event that moved it each time. */
  async function path(sent: { publicationId: string; deliveryId: string }) {
    const detail = await callOk(core, 'queue.get', { publicationId: sent.publicationId });
    return detail.history.filter((e) => e.deliveryId === sent.deliveryId).map((e) => `${e.event}→${e.toStatus}`);
  }

  return { core, startWorker, target, publish, until, path, logs };
}

const rest = () => restReader(site, site.author);

describe('WordPress through the queue', () => {
  it('channels.create refuses plain http for a site that is not on this machine, naming the field', async () => {
    const { core } = await openHarness();
    const error = await callError(core, 'channels.create', {
      kind: 'website.wordpress',
      name: 'News',
      settings: { siteUrl: 'http://www.borsetshire.gov.uk', username: 'comms' },
      secrets: { app_password: 'abcd efgh ijkl mnop qrst uvwx' },
    });
    expect(error).toMatchObject({ code: 'invalid_input', field: 'settings.siteUrl' });
  });

  it('publishes an update: the post is on WordPress with its image and alt text, and the delivery has its address', async () => {
    const { core, startWorker, publish, until, logs } = await openHarness();
    const image = await callOk(core, 'media.add', { name: 'bin.png', dataBase64: PNG.toString('base64') });
    const sent = await publish('Green bins move to Tuesdays', {
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Green bins are collected on Tuesdays.' }] },
        { type: 'image', attrs: { src: `media:${image.id}`, alt: 'A green wheelie bin' } },
      ],
    });
    startWorker();
    const delivered = await until(sent, 'delivered', 'failed', 'needs_reauth', 'unconfirmed');
    expect(delivered).toMatchObject({ status: 'delivered', externalUrl: `${site.url}/green-bins-move-to-tuesdays/` });
    const post = await rest()<RestPost>(`/posts/${delivered.externalId}?context=edit`);
    expect(post.title.raw).toBe('Green bins move to Tuesdays');
    expect(post.status).toBe('publish');
    const img = /<img src="([^"]+)" alt="A green wheelie bin">/.exec(post.content.raw);
    expect(img?.[1]).toMatch(new RegExp(`^${site.url}/wp-content/uploads/`));
    const [media] = await rest()<{ alt_text: string; source_url: string }[]>(`/media?search=${image.id}&context=edit`);
    expect(media).toMatchObject({ alt_text: 'A green wheelie bin', source_url: img?.[1] });
    // The application password never reaches a log line.
    expect(logs.join('\n')).not.toContain(site.author.appPassword);
  });

  it('a wrong application password leaves the delivery needing reauthorisation, with WordPress reason', async () => {
    const { startWorker, publish, until } = await openHarness({ password: 'abcd efgh ijkl mnop qrst uvwx' });
    const sent = await publish('Library reopens');
    startWorker();
    const delivery = await until(sent, 'needs_reauth', 'failed', 'delivered');
    expect(delivery.status).toBe('needs_reauth');
    expect(delivery.lastError?.message).toContain('refused the username or application password (HTTP 401');
  });

  it('a send whose answer was lost becomes unconfirmed and the look-up settles it, with no duplicate post', async () => {
    const dropping = droppingFetch(isCreatePost);
    const { startWorker, publish, until, path } = await openHarness({ fetch: dropping });
    const sent = await publish('Parking charges review');
    startWorker();
    const delivered = await until(sent, 'delivered', 'failed');
    expect(dropping.dropped).toBe(1);
    expect(delivered.status).toBe('delivered');
    expect(await path(sent)).toEqual(expect.arrayContaining(['unknown_outcome→unconfirmed', 'lookup_found→delivered']));
    const posts = await rest()<RestPost[]>(
      `/posts?search=${encodeURIComponent('Parking charges review')}&context=edit`,
    );
    expect(posts.map((p) => String(p.id))).toEqual([delivered.externalId]);
    expect(delivered.externalUrl).toBe(posts[0]?.link);
  });

  it('with WordPress stopped the delivery waits to retry (never failed), and goes out once it is back', async () => {
    const { startWorker, publish, until, path } = await openHarness();
    await site.stopWeb();
    try {
      const sent = await publish('Leisure centre closed for repairs');
      startWorker();
      const waiting = await until(sent, 'retry_wait', 'failed', 'delivered');
      expect(waiting.status).toBe('retry_wait');
      expect(waiting.lastError?.message).toContain('Could not reach WordPress (ECONNREFUSED)');
      await site.startWeb();
      const delivered = await until(sent, 'delivered', 'failed');
      expect(delivered.status).toBe('delivered');
      expect((await path(sent)).filter((step) => step.endsWith('→failed'))).toEqual([]);
    } finally {
      await site.startWeb();
    }
  });

  it('social posts link to the WordPress post; with the website cancelled, to the fallback address', async () => {
    const sink = await startHttpSink();
    const fallbackUrl = 'https://www.borsetshire.gov.uk/news?from=town-crier';
    const { core, startWorker, publish, until } = await openHarness({ settings: { fallbackUrl } });
    onTestFinished(() => sink.stop());
    const social = await callOk(core, 'channels.create', {
      kind: SINK_KIND,
      name: 'Social',
      settings: { url: sink.url },
    });

    const first = await publish('Swimming pool reopens', plainBody(), [social.id]);
    const worker = startWorker();
    const website = await until(first, 'delivered', 'failed');
    expect(website.status).toBe('delivered');
    await eventually('the social post went', () => sink.requests.length === 1);
    expect(sink.requests[0]?.text).toContain(`\n\n${website.externalUrl ?? 'missing'}`);
    expect(website.externalUrl).toBe(`${site.url}/swimming-pool-reopens/`);

    await worker.stop();
    const second = await publish('Swimming pool closes again', plainBody(), [social.id]);
    await callOk(core, 'queue.cancel', { deliveryId: second.deliveryId });
    startWorker();
    await eventually('the second social post went', () => sink.requests.length === 2);
    expect(sink.requests[1]?.text).toContain(`\n\n${fallbackUrl}`);
  });

  it('scheduled with "Let WordPress publish it": a future post at once (tags too), the social post waits, Cancel trashes it', async () => {
    const sink = await startHttpSink();
    onTestFinished(() => sink.stop());
    const { core, startWorker, target, until, path } = await openHarness({
      settings: { scheduleInWordPress: true, categoryMap: 'roads = Roads and transport', createCategories: false },
    });
    const roads = Number(site.php("echo wp_insert_term('Roads and transport', 'category')['term_id'];"));
    const social = await callOk(core, 'channels.create', {
      kind: SINK_KIND,
      name: 'Social',
      settings: { url: sink.url },
    });
    const update = await callOk(core, 'updates.create', {
      title: 'A6 resurfacing starts in July',
      summary: 'Overnight closures for two weeks.',
      body: plainBody(),
      channels: ['website'],
      variants: {},
    });
    await callOk(core, 'review.setTags', { updateId: update.id, tags: ['roads', 'A6'] });
    await approveCurrent(core, update.id);
    const scheduledAt = '2027-07-05T06:00:00.000Z';
    const publication = await callOk(core, 'queue.publish', {
      updateId: update.id,
      targetIds: [social.id, target.id],
      scheduledAt,
    });
    const sent = {
      publicationId: publication.id,
      deliveryId: publication.deliveries.find((d) => d.targetId === target.id)?.id ?? '',
    };
    const socialId = publication.deliveries.find((d) => d.targetId === social.id)?.id ?? '';
    startWorker();
    const delivered = await until(sent, 'delivered', 'failed', 'needs_reauth');
    expect(delivered.status).toBe('delivered');
    expect(delivered.externalUrl).toBe(`${site.url}/a6-resurfacing-starts-in-july/`);
    const post = await rest()<RestPost & { date_gmt: string; tags: number[]; categories: number[] }>(
      `/posts/${delivered.externalId}?context=edit`,
    );
    expect(post.status).toBe('future');
    expect(post.date_gmt).toBe('2027-07-05T06:00:00');
    expect(post.categories).toEqual([roads]);
    const tags = await rest()<{ name: string }[]>(`/tags?include=${post.tags.join(',')}&_fields=name`);
    expect(tags.map((t) => t.name).sort()).toEqual(['A6', 'roads']);
    // The publish panel's "already published to …" reads this update's publications only.
    const mine = await callOk(core, 'queue.list', { updateId: update.id });
    expect(mine.items.map((p) => p.id)).toEqual([publication.id]);
    // The social post is for the time itself: it is still scheduled.
    const detail = await callOk(core, 'queue.get', { publicationId: publication.id });
    expect(detail.deliveries.find((d) => d.id === socialId)?.status).toBe('scheduled');
    expect(sink.requests).toHaveLength(0);

    // Cancel before the time: the post goes to the trash, the delivery is cancelled, and the audit log says so.
    const cancelled = await callOk(core, 'queue.cancel', { deliveryId: sent.deliveryId });
    expect(cancelled.status).toBe('cancelled');
    expect((await rest()<RestPost>(`/posts/${delivered.externalId}?context=edit`)).status).toBe('trash');
    expect(await path(sent)).toEqual(expect.arrayContaining(['withdrawn→cancelled']));
    const audit = await callOk(core, 'audit.list', {});
    expect(JSON.stringify(audit)).toContain('withdrawn from the channel before its time');

    // An ordinary delivered delivery still cannot be cancelled.
    const now = await callOk(core, 'updates.create', {
      title: 'Now',
      summary: 'Now.',
      body: plainBody(),
      channels: ['website'],
      variants: {},
    });
    await approveCurrent(core, now.id);
    const plain = await callOk(core, 'queue.publish', { updateId: now.id, targetIds: [target.id] });
    const plainSent = { publicationId: plain.id, deliveryId: plain.deliveries[0]?.id ?? '' };
    expect((await until(plainSent, 'delivered', 'failed')).status).toBe('delivered');
    const refused = await callError(core, 'queue.cancel', { deliveryId: plainSent.deliveryId });
    expect(refused).toMatchObject({
      code: 'conflict',
      message: 'This delivery is already delivered, so it can no longer be cancelled.',
    });
  });

  it('scheduled while still waiting for approval: nothing goes to WordPress (nor lapses) until approved, then at once', async () => {
    const { core, startWorker, target, publish, until } = await openHarness({
      settings: { scheduleInWordPress: true },
    });
    const update = await callOk(core, 'updates.create', {
      title: 'Budget consultation opens',
      summary: 'Have your say.',
      body: plainBody(),
      channels: ['website'],
      variants: {},
    });
    const version = await callOk(core, 'updates.get', { id: update.id });
    const approver = await approverFor(core);
    await callOk(core, 'review.submit', { updateId: update.id, revision: version.revision });
    const publication = await callOk(core, 'queue.publish', {
      updateId: update.id,
      targetIds: [target.id],
      scheduledAt: '2027-09-01T08:00:00.000Z',
    });
    const waiting = { publicationId: publication.id, deliveryId: publication.deliveries[0]?.id ?? '' };
    startWorker();
    // Another update published now goes out: the worker has run its passes, and left the waiting one alone.
    const other = await publish('Road closed today');
    expect((await until(other, 'delivered', 'failed')).status).toBe('delivered');
    const before = await callOk(core, 'queue.get', { publicationId: publication.id });
    expect(before).toMatchObject({ authorisation: 'pending' });
    expect(before.deliveries[0]?.status).toBe('scheduled');

    await callOk(approver, 'review.approve', { updateId: update.id, revision: version.revision });
    const delivered = await until(waiting, 'delivered', 'failed', 'cancelled');
    expect(delivered.status).toBe('delivered');
    const post = await rest()<RestPost & { date_gmt: string }>(`/posts/${delivered.externalId}?context=edit`);
    expect(post).toMatchObject({ status: 'future', date_gmt: '2027-09-01T08:00:00' });
  });
});
