import { mkdirSync } from 'node:fs';
import { approveCurrent } from '../../support/people.ts';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderVariant } from '../../../shared/channels/variants.ts';
import { makePng } from '../../support/images.ts';
import { sleep } from '../queue/queue-harness.ts';
import { callOk, createScope } from '../store/store-suite.ts';
import { bodyWithImages, openBlueskyRig, threadText } from './bluesky-fixtures.ts';

/** Bluesky deliveries through the real queue and worker, against the PDS emulator. */

const scope = createScope();
afterEach(() => scope.dispose());

const SETTLED = ['delivered', 'failed', 'needs_reauth', 'unconfirmed'] as const;

/** The posts a threaded Bluesky variant of `text` becomes. */
function threadOf(text: string): string[] {
  const rendered = renderVariant(
    'bluesky',
    { title: '', summary: '', body: { type: 'doc', content: [] } },
    { bluesky: { text, thread: true } },
    { organisationName: '' },
  );
  return rendered.kind === 'bluesky' ? rendered.posts : [];
}

describe('Bluesky through the queue', () => {
  it('posts a thread with two images: in order, replies naming root and parent, alt text on post 1', async () => {
    const rig = await openBlueskyRig(scope);
    const bin = await callOk(rig.core, 'media.add', {
      name: 'bin.png',
      dataBase64: makePng(64, 32, [46, 125, 50]).toString('base64'),
    });
    const caddy = await callOk(rig.core, 'media.add', {
      name: 'caddy.png',
      dataBase64: makePng(32, 32, [120, 80, 20]).toString('base64'),
    });
    const text = `${threadText(650)} Details at https://www.borsetshire.gov.uk/bins #Recycling`;
    const id = await rig.publish({
      body: bodyWithImages('Green bins are collected on Tuesdays.', [
        { id: bin.id, alt: 'A green wheelie bin at the kerb' },
        { id: caddy.id, alt: 'A brown food caddy with its lid shut' },
      ]),
      variants: { bluesky: { text, thread: true } },
    });
    rig.worker.start();
    const delivered = await rig.waitFor(id, [...SETTLED]);
    const posts = rig.emulator.posts;
    const expected = threadOf(text);
    expect(expected).toHaveLength(3);
    expect(posts.map((p) => p.text)).toEqual(expected);
    expect(delivered).toMatchObject({
      status: 'delivered',
      externalId: posts[0]?.uri,
      externalUrl: `https://bsky.app/profile/${rig.emulator.handle}/post/${posts[0]?.rkey}`,
    });
    const root = { uri: posts[0]?.uri, cid: posts[0]?.cid };
    expect(posts[0]?.reply).toBeUndefined();
    expect(posts[1]?.reply).toEqual({ root, parent: root });
    expect(posts[2]?.reply).toEqual({ root, parent: { uri: posts[1]?.uri, cid: posts[1]?.cid } });
    const images = (posts[0]?.embed?.images ?? []) as { alt: string; image: { ref: { $link: string } } }[];
    expect(posts[0]?.embed?.$type).toBe('app.bsky.embed.images');
    expect(images.map((i) => i.alt)).toEqual([
      'A green wheelie bin at the kerb',
      'A brown food caddy with its lid shut',
    ]);
    expect(rig.emulator.blobs.get(images[0]?.image.ref.$link ?? '')?.mimeType).toBe('image/png');
    expect(posts.slice(1).every((p) => p.embed === undefined)).toBe(true);
    expect(posts.every((p) => p.langs.join() === 'en')).toBe(true);
    // The link and the hashtag in the last post are facets over their exact UTF-8 bytes.
    const last = posts[2];
    const bytes = Buffer.from(last?.text ?? '', 'utf8');
    const spans = (last?.facets ?? []) as { index: { byteStart: number; byteEnd: number } }[];
    expect(spans.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'))).toEqual([
      'https://www.borsetshire.gov.uk/bins',
      '#Recycling',
    ]);
    // One session for the whole thread: createSession is itself rate limited.
    expect(rig.emulator.count('com.atproto.server.createSession')).toBe(1);
  });

  it('a worker that dies after post 2 of 3 is followed by one that posts only post 3', async () => {
    const rig = await openBlueskyRig(scope, { timeoutMs: 30_000, worker: { stopGraceMs: 100 } });
    // Post 3's request arrives and is never processed nor answered: the worker is stopped while it waits.
    rig.emulator.failNext('com.atproto.repo.createRecord', { kind: 'stall' }, 2);
    const id = await rig.publish({ variants: { bluesky: { text: threadText(700), thread: true } } });
    rig.worker.start();
    for (let i = 0; rig.emulator.count('com.atproto.repo.createRecord') < 3; i++) {
      if (i > 500) throw new Error('post 3 was never requested');
      await sleep(20);
    }
    expect(rig.emulator.posts).toHaveLength(2);
    await rig.worker.stop();
    expect((await rig.delivery(id)).status).toBe('unconfirmed');

    // A new process: a fresh adapter (no session, nothing in memory), the same store.
    const second = rig.restartWorker();
    second.start();
    const delivered = await rig.waitFor(id, ['delivered', 'failed', 'needs_reauth']);
    const posts = rig.emulator.posts;
    expect(posts.map((p) => p.text)).toEqual(threadOf(threadText(700)));
    expect(delivered).toMatchObject({ status: 'delivered', externalId: posts[0]?.uri });
    expect(posts[2]?.reply?.parent).toEqual({ uri: posts[1]?.uri, cid: posts[1]?.cid });
    expect(posts[2]?.reply?.root).toEqual({ uri: posts[0]?.uri, cid: posts[0]?.cid });
    // Posts 1 and 2 were never requested again: 3 creates before the stop, 1 after.
    expect(rig.emulator.count('com.atproto.repo.createRecord')).toBe(4);
  });

  it('a thread refused at post 2 (503) resumes from post 2 and ends with exactly 3 posts in a chain', async () => {
    const rig = await openBlueskyRig(scope);
    rig.emulator.failNext(
      'com.atproto.repo.createRecord',
      { kind: 'status', status: 503, error: 'NotEnoughResources', message: 'Service Unavailable' },
      1,
    );
    const id = await rig.publish({ variants: { bluesky: { text: threadText(700), thread: true } } });
    rig.worker.start();
    expect(await rig.waitFor(id, [...SETTLED])).toMatchObject({ status: 'delivered', attempts: 2 });
    const posts = rig.emulator.posts;
    expect(posts).toHaveLength(3);
    expect(posts.map((p) => p.reply?.parent.uri ?? null)).toEqual([null, posts[0]?.uri, posts[1]?.uri]);
    // Post 1, post 2 (refused), then post 2 and 3: post 1 was not written again.
    expect(rig.emulator.count('com.atproto.repo.createRecord')).toBe(4);
  });

  it('waits for the website, then links to its article: a facet over the link and a link card', async () => {
    const rig = await openBlueskyRig(scope);
    const folder = join(scope.tempDir(), 'site');
    mkdirSync(folder);
    const website = await callOk(rig.core, 'channels.create', {
      kind: 'website.static',
      name: 'News site',
      settings: { folder, siteUrl: 'https://news.example.gov.uk', siteTitle: 'Borsetshire Council' },
    });
    const update = await callOk(rig.core, 'updates.create', {
      title: 'Library reopens',
      summary: 'On Monday at 9am.',
      channels: ['website', 'bluesky'],
    });
    await approveCurrent(rig.core, update.id);
    const publication = await callOk(rig.core, 'queue.publish', {
      updateId: update.id,
      targetIds: [rig.targetId, website.id],
    });
    rig.worker.start();
    const bluesky = publication.deliveries.find((d) => d.targetId === rig.targetId);
    const delivered = await rig.waitFor(bluesky?.id ?? '', [...SETTLED]);
    expect(delivered.status).toBe('delivered');
    const article = 'https://news.example.gov.uk/news/library-reopens/';
    const [post] = rig.emulator.posts;
    expect(post?.text).toContain(article);
    expect(post?.embed).toMatchObject({ $type: 'app.bsky.embed.external', external: { uri: article } });
    const bytes = Buffer.from(post?.text ?? '', 'utf8');
    const [facet] = (post?.facets ?? []) as { index: { byteStart: number; byteEnd: number } }[];
    expect(bytes.subarray(facet?.index.byteStart, facet?.index.byteEnd).toString('utf8')).toBe(article);
  });

  it('an expired access token is refreshed, not a new sign-in', async () => {
    const rig = await openBlueskyRig(scope, { accessTtlMs: 300 });
    rig.worker.start();
    const first = await rig.publish();
    await rig.waitFor(first, ['delivered']);
    await sleep(400);
    const second = await rig.publish({ title: 'Library opening hours change' });
    expect(await rig.waitFor(second, [...SETTLED])).toMatchObject({ status: 'delivered' });
    expect(rig.emulator.posts).toHaveLength(2);
    expect(rig.emulator.count('com.atproto.server.createSession')).toBe(1);
    expect(rig.emulator.count('com.atproto.server.refreshSession')).toBeGreaterThanOrEqual(1);
    expect(rig.emulator.requests.some((r) => r.status === 400 && r.nsid === 'com.atproto.repo.createRecord')).toBe(
      true,
    );
  });

  it('a revoked app password needs a person to reconnect, and says how', async () => {
    const rig = await openBlueskyRig(scope);
    rig.emulator.revokeAppPassword();
    const id = await rig.publish();
    rig.worker.start();
    const delivery = await rig.waitFor(id, [...SETTLED]);
    expect(delivery.status).toBe('needs_reauth');
    expect(delivery.lastError?.message).toContain('Invalid identifier or password');
    expect(delivery.lastError?.message).toContain('App passwords');
    expect(delivery.lastError?.message).toContain('reconnect the channel');
    expect(rig.emulator.posts).toHaveLength(0);
  });

  it('a revoked app password with a saved session: the refresh fails, signing in fails, needs_reauth', async () => {
    const rig = await openBlueskyRig(scope, { accessTtlMs: 300 });
    rig.worker.start();
    await rig.waitFor(await rig.publish(), ['delivered']);
    rig.emulator.revokeAppPassword();
    await sleep(400);
    const id = await rig.publish({ title: 'Library opening hours change' });
    expect(await rig.waitFor(id, [...SETTLED])).toMatchObject({ status: 'needs_reauth' });
    expect(rig.emulator.posts).toHaveLength(1);
    expect(rig.emulator.count('com.atproto.server.createSession')).toBe(2);
  });

  it('a 429 waits until ratelimit-reset, then the post goes out once', async () => {
    const rig = await openBlueskyRig(scope);
    const id = await rig.publish();
    rig.emulator.exhaustRateLimit(800);
    const resetAt = Math.ceil((Date.now() + 800) / 1000) * 1000;
    rig.worker.start();
    const waiting = await rig.waitFor(id, ['retry_wait', 'delivered', 'failed']);
    expect(waiting.status).toBe('retry_wait');
    expect(Date.parse(waiting.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(resetAt - 50);
    expect(waiting.lastError?.message).toContain('limiting how fast');
    await rig.waitFor(id, ['delivered']);
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt - 50);
    expect(rig.emulator.posts).toHaveLength(1);
  });

  it('a 500 waits and tries again; the post goes out once', async () => {
    const rig = await openBlueskyRig(scope);
    rig.emulator.failNext('com.atproto.repo.createRecord', { kind: 'status', status: 502, error: 'UpstreamFailure' });
    const id = await rig.publish();
    rig.worker.start();
    expect(await rig.waitFor(id, [...SETTLED])).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(rig.emulator.posts).toHaveLength(1);
  });

  it('a dropped answer is unconfirmed, then the look-up finds the post by its record key: no second post', async () => {
    const rig = await openBlueskyRig(scope);
    rig.emulator.failNext('com.atproto.repo.createRecord', { kind: 'drop' });
    const id = await rig.publish();
    rig.worker.start();
    const delivered = await rig.waitFor(id, ['delivered', 'failed', 'needs_reauth']);
    expect(delivered).toMatchObject({ status: 'delivered', externalId: rig.emulator.posts[0]?.uri });
    expect(rig.emulator.posts).toHaveLength(1);
    expect(rig.emulator.count('com.atproto.repo.createRecord')).toBe(1);
    const detail = await callOk(rig.core, 'queue.get', {
      publicationId: (await rig.delivery(id)).publicationId,
    });
    expect(detail.deliveries[0]?.status).toBe('delivered');
  });

  it('a time-out after sending is unconfirmed; a repeat at the same record key cannot post twice', async () => {
    const rig = await openBlueskyRig(scope, { timeoutMs: 300 });
    rig.emulator.failNext('com.atproto.repo.createRecord', { kind: 'hang' });
    // The look-up's getRecord fails for a while, so the delivery is seen unconfirmed.
    for (let i = 0; i < 3; i++) {
      rig.emulator.failNext('com.atproto.repo.getRecord', { kind: 'status', status: 503, error: 'NotEnoughResources' });
    }
    const id = await rig.publish();
    rig.worker.start();
    const unconfirmed = await rig.waitFor(id, [...SETTLED]);
    expect(unconfirmed.status).toBe('unconfirmed');
    expect(unconfirmed.lastError?.message).toContain('did not answer in time');
    const delivered = await rig.waitFor(id, ['delivered', 'failed']);
    expect(delivered.status).toBe('delivered');
    expect(rig.emulator.posts).toHaveLength(1);
    expect(rig.emulator.count('com.atproto.repo.createRecord')).toBe(1);
  });

  it('refuses an image over 1,000,000 bytes before anything is sent', async () => {
    const rig = await openBlueskyRig(scope);
    const big = await callOk(rig.core, 'media.add', {
      name: 'poster.png',
      dataBase64: makePng(16, 16, [200, 0, 0], 1_200_000).toString('base64'),
    });
    const id = await rig.publish({
      body: bodyWithImages('New recycling poster.', [{ id: big.id, alt: 'The poster' }]),
    });
    rig.worker.start();
    const failed = await rig.waitFor(id, [...SETTLED]);
    expect(failed.status).toBe('failed');
    expect(failed.lastError?.message).toContain(
      'image 1 is 1,200,000 bytes; Bluesky takes images up to 1,000,000 bytes',
    );
    expect(rig.emulator.requests).toEqual([]);
  });
});
