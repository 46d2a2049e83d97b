import { Agent, CredentialSession, XRPCError } from '@atproto/api';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublishContext, RenderSource } from '../../../electron/core/channels/adapter.ts';
import { createBlueskyAdapter } from '../../../electron/core/channels/bluesky/bluesky-adapter.ts';
import { postRecordKey } from '../../../electron/core/channels/bluesky/record-keys.ts';
import { BlueskySettings } from '../../../electron/core/channels/bluesky/settings.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { startBlueskyEmulator, type BlueskyEmulator } from '../../support/bluesky-emulator.ts';
import { makePng } from '../../support/images.ts';
import { plainBody } from '../store/store-suite.ts';

/**
 * The Bluesky adapter called directly (as "Test connection", the look-up
 * and a retraction call it), and the emulator's own checks, each of which
 * mirrors a refusal of the real PDS.
 */

let emulators: BlueskyEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.map((e) => e.stop()));
  emulators = [];
});

async function emulator(): Promise<BlueskyEmulator> {
  const started = await startBlueskyEmulator();
  emulators.push(started);
  return started;
}

function source(overrides: Partial<RenderSource> = {}): RenderSource {
  return {
    updateId: 'u1',
    revision: 1,
    contentHash: 'hash-1',
    title: 'Bin collections change',
    summary: 'Green bins are collected on Tuesdays from 6 July.',
    body: plainBody('Green bins are collected on Tuesdays from 6 July.'),
    bodyHtml: '',
    bodyText: '',
    channels: ['bluesky'],
    variants: {},
    ...overrides,
  };
}

function context(pds: BlueskyEmulator, secrets: Record<string, string> = { app_password: pds.appPassword }) {
  return {
    target: { id: 't1', name: 'Council Bluesky' },
    settings: BlueskySettings.parse({ handle: pds.handle, serviceUrl: pds.url, timeoutMs: 2000 }),
    credentials: async (name: string) => secrets[name],
    fetch,
    logger: createLogger('test', () => undefined),
    now: () => new Date(),
    signal: new AbortController().signal,
  };
}

function publishContext(
  pds: BlueskyEmulator,
  src: RenderSource,
  key = 'delivery-key-1',
): PublishContext<BlueskySettings> {
  let progress: unknown = null;
  return {
    ...context(pds),
    delivery: { id: 'd1', attempt: 1, idempotencyKey: key },
    source: src,
    media: async () => undefined,
    progress: { get: async () => progress, set: async (value) => void (progress = value) },
  };
}

/** A raw client signed in to the emulator, to poke at what it refuses. */
async function rawAgent(pds: BlueskyEmulator): Promise<Agent> {
  const session = new CredentialSession(new URL(pds.url));
  await session.login({ identifier: pds.handle, password: pds.appPassword });
  return new Agent(session);
}

describe('the Bluesky adapter, called directly', () => {
  it('"Test connection" signs in with the app password and names the account', async () => {
    const pds = await emulator();
    const adapter = createBlueskyAdapter();
    expect(await adapter.test(context(pds))).toEqual({ ok: true, account: `@${pds.handle}` });
    const wrong = await adapter.test(context(pds, { app_password: 'wrong-pass-word-here' }));
    expect(wrong).toMatchObject({ ok: false, message: expect.stringContaining('Invalid identifier or password') });
    const none = await adapter.test(context(pds, {}));
    expect(none).toMatchObject({ ok: false, message: expect.stringContaining('No Bluesky app password is stored') });
  });

  it('adds a link card for the website article and a facet for its link', async () => {
    const pds = await emulator();
    const adapter = createBlueskyAdapter();
    const src = source({ websiteUrl: 'https://www.borsetshire.gov.uk/news/bins/' });
    const result = await adapter.publish(adapter.render(src), publishContext(pds, src));
    const [post] = pds.posts;
    expect(post?.text).toContain('https://www.borsetshire.gov.uk/news/bins/');
    expect(post?.embed).toEqual({
      $type: 'app.bsky.embed.external',
      external: {
        uri: 'https://www.borsetshire.gov.uk/news/bins/',
        title: 'Bin collections change',
        description: 'Green bins are collected on Tuesdays from 6 July.',
      },
    });
    expect(post?.facets).toHaveLength(1);
    expect(post?.rkey).toBe(postRecordKey('delivery-key-1', 0));
    expect(result).toEqual({
      externalId: post?.uri,
      externalUrl: `https://bsky.app/profile/${pds.handle}/post/${post?.rkey}`,
    });
  });

  it('looks a delivery up by its record keys, and retracts (deletes) every post of its thread', async () => {
    const pds = await emulator();
    const adapter = createBlueskyAdapter();
    const long = 'Green bins are now collected on Tuesdays across the whole district. '.repeat(10).trim();
    const src = source({ variants: { bluesky: { text: long, thread: true } } });
    const ref = { deliveryId: 'd1', idempotencyKey: 'delivery-key-1', externalId: null };
    expect(await adapter.lookup?.(ref, context(pds))).toEqual({ state: 'absent' });
    await adapter.publish(adapter.render(src), publishContext(pds, src));
    expect(pds.posts.length).toBeGreaterThanOrEqual(3);
    expect(await adapter.lookup?.(ref, context(pds))).toEqual({
      state: 'published',
      externalId: pds.posts[0]?.uri,
      externalUrl: `https://bsky.app/profile/${pds.handle}/post/${pds.posts[0]?.rkey}`,
    });
    // Part of a thread is "absent": the queue sends again and that send writes only the missing posts.
    const last = pds.posts.pop();
    expect(await adapter.lookup?.(ref, context(pds))).toEqual({ state: 'absent' });
    if (last) pds.posts.push(last);
    await adapter.retract?.(ref, context(pds));
    expect(pds.posts).toEqual([]);
    expect(pds.count('com.atproto.repo.deleteRecord')).toBeGreaterThanOrEqual(3);
  });

  it('sending the same delivery again finds its posts at their record keys and writes nothing new', async () => {
    const pds = await emulator();
    const adapter = createBlueskyAdapter();
    const src = source();
    const first = await adapter.publish(adapter.render(src), publishContext(pds, src));
    // A second attempt with no recorded progress (a lost progress write): it looks before writing.
    const again = { ...publishContext(pds, src), delivery: { id: 'd1', attempt: 2, idempotencyKey: 'delivery-key-1' } };
    expect(await adapter.publish(adapter.render(src), again)).toEqual(first);
    expect(pds.posts).toHaveLength(1);
    expect(pds.count('com.atproto.repo.createRecord')).toBe(1);
  });

  it('refuses a fifth image silently (the rest stay on the website) but refuses a missing alt text loudly', async () => {
    const pds = await emulator();
    const adapter = createBlueskyAdapter();
    const png = makePng(8, 8, [0, 0, 0]);
    const body = {
      type: 'doc' as const,
      content: [
        { type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'Five pictures.' }] },
        ...[1, 2, 3, 4, 5].map((n) => ({ type: 'image' as const, attrs: { src: `media:m${n}`, alt: `Picture ${n}` } })),
      ],
    };
    const src = source({ body });
    const ctx = {
      ...publishContext(pds, src),
      media: async (id: string) => ({ id, type: 'image/png' as const, bytes: png }),
    };
    await adapter.publish(adapter.render(src), ctx);
    const images = (pds.posts[0]?.embed?.images ?? []) as { alt: string }[];
    expect(images.map((i) => i.alt)).toEqual(['Picture 1', 'Picture 2', 'Picture 3', 'Picture 4']);

    const noAlt = source({
      body: { type: 'doc', content: [{ type: 'image', attrs: { src: 'media:m1', alt: ' ' } }] },
      summary: 'A picture.',
    });
    const refused = adapter.publish(adapter.render(noAlt), {
      ...publishContext(pds, noAlt, 'other-key'),
      media: async (id: string) => ({ id, type: 'image/png' as const, bytes: png }),
    });
    await expect(refused).rejects.toMatchObject({
      failure: { kind: 'rejected', message: expect.stringContaining('image 1 has no alt text') },
    });
  });
});

describe('the PDS emulator refuses what the real PDS refuses', () => {
  const post = (text: string, extra: Record<string, unknown> = {}) => ({
    $type: 'app.bsky.feed.post',
    text,
    createdAt: new Date().toISOString(),
    ...extra,
  });

  async function create(agent: Agent, pds: BlueskyEmulator, record: Record<string, unknown>, rkey?: string) {
    return agent.com.atproto.repo.createRecord({
      repo: pds.did,
      collection: 'app.bsky.feed.post',
      record,
      ...(rkey ? { rkey } : {}),
    });
  }

  async function refusal(promise: Promise<unknown>): Promise<XRPCError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof XRPCError)) throw new Error(`expected an XRPCError, got ${String(error)}`);
    return error;
  }

  it('text over 300 graphemes or 3,000 bytes, facets off UTF-8 boundaries or past the end, no createdAt', async () => {
    const pds = await emulator();
    const agent = await rawAgent(pds);
    expect((await refusal(create(agent, pds, post('a'.repeat(301))))).message).toContain('300 graphemes');
    // 300 graphemes of 4-byte emoji is 1,200 bytes; 300 family emoji (25 bytes each) is 7,500: over 3,000 bytes.
    expect((await refusal(create(agent, pds, post('👨‍👩‍👧‍👦'.repeat(300))))).message).toContain('3000');
    expect((await create(agent, pds, post('🙂'.repeat(300)))).data.uri).toContain(pds.did);
    const link = (byteStart: number, byteEnd: number) => ({
      facets: [
        { index: { byteStart, byteEnd }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://a.org' }] },
      ],
    });
    expect((await refusal(create(agent, pds, post('é https://a.org', link(1, 16))))).message).toContain(
      'UTF-8 character boundaries',
    );
    expect((await refusal(create(agent, pds, post('é https://a.org', link(3, 40))))).message).toContain(
      'beyond the end',
    );
    expect((await create(agent, pds, post('é https://a.org', link(3, 16)))).data.cid).toMatch(/^b[a-z2-7]+$/);
    const noDate = { $type: 'app.bsky.feed.post', text: 'hello' };
    expect((await refusal(create(agent, pds, noDate))).message).toContain('createdAt');
  });

  it('a second record at the same key (500, as the MST refuses it), images over 1,000,000 bytes, five images', async () => {
    const pds = await emulator();
    const agent = await rawAgent(pds);
    await create(agent, pds, post('one'), '3kaaaaaaaaaaa');
    const duplicate = await refusal(create(agent, pds, post('one again'), '3kaaaaaaaaaaa'));
    expect(duplicate.status).toBe(500);
    expect(pds.posts).toHaveLength(1);
    const big = await agent.com.atproto.repo.uploadBlob(makePng(8, 8, [1, 2, 3], 1_000_001), { encoding: 'image/png' });
    const images = (n: number) => ({
      embed: {
        $type: 'app.bsky.embed.images',
        images: Array.from({ length: n }, () => ({ image: big.data.blob, alt: 'x' })),
      },
    });
    expect((await refusal(create(agent, pds, post('big', images(1))))).message).toContain('too large');
    const small = await agent.com.atproto.repo.uploadBlob(makePng(8, 8, [1, 2, 3]), { encoding: 'image/png' });
    const five = {
      embed: {
        $type: 'app.bsky.embed.images',
        images: Array.from({ length: 5 }, () => ({ image: small.data.blob, alt: 'x' })),
      },
    };
    expect((await refusal(create(agent, pds, post('five', five)))).message).toContain('more than 4');
  });
});
