import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelContext, RenderSource } from '../../../electron/core/channels/adapter.ts';
import { createXAdapter } from '../../../electron/core/channels/x/x-adapter.ts';
import { XSettings } from '../../../electron/core/channels/x/x-settings.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { makePng } from '../../support/images.ts';
import { callOk, createScope } from '../store/store-suite.ts';
import { openXHarness, xBody } from './x-harness.ts';

/** X through the real queue and worker, against the emulator (which verifies every signature). */

const scope = createScope();
afterEach(() => scope.dispose());

const LONG =
  'Green bin collections move from Monday to Tuesday across the whole borough from 3 March. ' +
  'Brown garden waste bins stay on Thursdays, and food caddies are still collected every week on your usual day. ' +
  'If your collection is missed, report it online within two working days and we will come back. ' +
  'Crews start at 6am, so please put bins out the night before, with the lid closed and handles facing the road. ' +
  'Thank you for recycling: last year the borough recycled more than half of its household waste.';

/** What the worker gives an adapter, for calling it directly. */
function context(apiBaseUrl: string, secrets: Record<string, string>): ChannelContext<XSettings> {
  return {
    target: { id: 't', name: 'X' },
    settings: XSettings.parse({ apiBaseUrl }),
    credentials: async (name) => secrets[name],
    fetch,
    logger: createLogger('test', () => undefined),
    now: () => new Date(),
    signal: new AbortController().signal,
  };
}

describe('X through the queue', () => {
  it('"Test connection" names the account from GET /2/users/me', async () => {
    const { emulator, secrets } = await openXHarness(scope);
    const check = await createXAdapter().test(context(emulator.url, secrets));
    expect(check).toEqual({ ok: true, account: '@BorsetshireCC' });
  });

  it('posts an update with two images, each with its alt text, signed so the emulator accepts it', async () => {
    const x = await openXHarness(scope);
    const first = await callOk(x.core, 'media.add', {
      name: 'bin.png',
      dataBase64: makePng(64, 32, [46, 125, 50]).toString('base64'),
    });
    const second = await callOk(x.core, 'media.add', {
      name: 'caddy.png',
      dataBase64: makePng(32, 32, [120, 80, 20]).toString('base64'),
    });
    const sent = await x.publish({
      body: xBody('Green bins are collected on Tuesdays from 3 March.', [
        { id: first.id, alt: 'A green wheelie bin at the kerb' },
        { id: second.id, alt: 'A brown food caddy with its lid shut' },
      ]),
    });
    x.worker.start();
    const delivered = await x.until(sent, 'delivered', 'failed', 'needs_reauth', 'unconfirmed');
    expect(x.emulator.tweets).toHaveLength(1);
    const tweet = x.emulator.tweets[0];
    expect(delivered).toMatchObject({
      status: 'delivered',
      externalId: tweet?.id,
      externalUrl: `https://x.com/i/web/status/${tweet?.id}`,
    });
    expect(tweet?.text).toContain('Green bins are collected on Tuesdays');
    expect(tweet?.media.map((m) => m.alt)).toEqual([
      'A green wheelie bin at the kerb',
      'A brown food caddy with its lid shut',
    ]);
    expect(x.emulator.requests.every((r) => r.status !== 401)).toBe(true);
  });

  it('sends a thread as a reply chain, in order, each post within 280 weighted characters', async () => {
    const x = await openXHarness(scope);
    const sent = await x.publish({ body: xBody(LONG), variants: { x: { text: LONG, thread: true } } });
    x.worker.start();
    const delivered = await x.until(sent, 'delivered', 'failed', 'needs_reauth', 'unconfirmed');
    const tweets = x.emulator.tweets;
    expect(tweets.length).toBeGreaterThanOrEqual(2);
    expect(delivered).toMatchObject({ status: 'delivered', externalId: tweets[0]?.id });
    tweets.forEach((tweet, i) => {
      expect(tweet.text.endsWith(` ${i + 1}/${tweets.length}`)).toBe(true);
      expect(tweet.inReplyTo).toBe(i === 0 ? null : (tweets[i - 1]?.id ?? 'missing'));
    });
  });

  it('refuses an over-limit post that was not split, before anything reaches X', async () => {
    const { emulator, secrets } = await openXHarness(scope);
    const adapter = createXAdapter();
    const source: RenderSource = {
      updateId: 'u1',
      revision: 1,
      contentHash: 'hash',
      title: 'Bins',
      summary: '',
      body: xBody(LONG),
      bodyHtml: '',
      bodyText: LONG,
      channels: ['x'],
      variants: { x: { text: LONG } },
    };
    const publishing = adapter.publish(adapter.render(source), {
      ...context(emulator.url, secrets),
      delivery: { id: 'd1', attempt: 1, idempotencyKey: 'k1' },
      source,
      media: async () => undefined,
    });
    await expect(publishing).rejects.toMatchObject({
      failure: { kind: 'rejected', field: 'variants.x.text', message: expect.stringMatching(/X post is \d+ weighted/) },
    });
    expect(emulator.requests).toEqual([]);
  });
});
