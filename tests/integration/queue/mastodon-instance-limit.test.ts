import { afterEach, describe, expect, it } from 'vitest';
import { createMastodonAdapter, MASTODON_KIND } from '../../../electron/core/channels/mastodon/mastodon-adapter.ts';
import { ACCESS_TOKEN_SECRET } from '../../../electron/core/channels/mastodon/settings.ts';
import { createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { measure } from '../../../shared/channels/limits.ts';
import { startMastodonEmulator, type MastodonEmulator } from '../../support/mastodon-emulator.ts';
import { callError, callOk, createScope, ENGINES, openQueueHarness, usePostgres } from './queue-harness.ts';

/**
 * A Mastodon instance's own limit, learnt by "Test connection", is what the
 * pre-send check counts against: 1,000 lets a 700-character post through,
 * 500 refuses it naming the channel and the count.
 */

const postgres = usePostgres();

/** 700 characters of short sentences: over 500, under 1,000. */
const POST = `${'Green bins are now collected on Tuesdays across the whole district. '.repeat(11).slice(0, 699)}.`;

describe.each(ENGINES)('Mastodon instance limits on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  async function connect(core: Parameters<typeof callOk>[0], emulator: MastodonEmulator, name: string) {
    return callOk(core, 'channels.create', {
      kind: MASTODON_KIND,
      name,
      settings: { instanceUrl: emulator.url, timeoutMs: 2000 },
      secrets: { [ACCESS_TOKEN_SECRET]: emulator.token },
    });
  }

  it('records the limit at Test connection; 1,000 lets a 700-character post through, 500 blocks it', async () => {
    const h = await openQueueHarness(scope, engine, postgres, {
      channels: createChannelRegistry([createMastodonAdapter()]),
    });
    const big = await startMastodonEmulator({ maxCharacters: 1000 });
    const small = await startMastodonEmulator({ maxCharacters: 500 });
    scope.db({ ...h.db, close: async () => (await big.stop(), await small.stop()) });
    expect(measure('mastodon', POST).used).toBe(700);

    const roomy = await connect(h.core, big, 'Council Mastodon (roomy)');
    const strict = await connect(h.core, small, 'Council Mastodon (strict)');
    expect(roomy.knownLimits).toBeUndefined();
    const tested = await callOk(h.core, 'channels.test', { targetId: roomy.id });
    expect(tested).toMatchObject({ ok: true, limits: { mastodonLimit: 1000 } });
    expect((await callOk(h.core, 'channels.test', { targetId: strict.id })).ok).toBe(true);
    const listed = await callOk(h.core, 'channels.list', {});
    expect(Object.fromEntries(listed.map((t) => [t.name, t.knownLimits]))).toEqual({
      'Council Mastodon (roomy)': { mastodonLimit: 1000 },
      'Council Mastodon (strict)': { mastodonLimit: 500 },
    });

    const update = await callOk(h.core, 'updates.create', {
      title: 'Bin collections change',
      channels: ['mastodon'],
      variants: { mastodon: { text: POST } },
    });
    // Urgent publish skips approval (whose check counts against the strictest connected instance), never the
    // content checks, which count against the chosen channels' own limits.
    const urgent = { reason: 'Testing the instance limits' };

    // To the 500 instance: refused, naming the channel and the count, and nothing is queued.
    const refused = await callError(h.core, 'queue.publish', { updateId: update.id, targetIds: [strict.id], urgent });
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toMatch(/^This update cannot be sent yet \(1 to fix\)\. Mastodon post: /);
    expect(refused.message).toContain('Mastodon post has 700 characters; the limit is 500.');
    // To both: the stricter limit applies.
    const both = await callError(h.core, 'queue.publish', {
      updateId: update.id,
      targetIds: [roomy.id, strict.id],
      urgent,
    });
    expect(both.message).toContain('the limit is 500');
    expect(Number((await h.db.one('SELECT count(*) AS n FROM deliveries'))?.n)).toBe(0);

    // To the 1,000 instance: through, as one post.
    const publication = await callOk(h.core, 'queue.publish', { updateId: update.id, targetIds: [roomy.id], urgent });
    expect(publication.deliveries).toHaveLength(1);
  });

  it('updates.check counts against the strictest connected instance, and 500 until one is tested', async () => {
    const h = await openQueueHarness(scope, engine, postgres, {
      channels: createChannelRegistry([createMastodonAdapter()]),
    });
    const big = await startMastodonEmulator({ maxCharacters: 1000 });
    scope.db({ ...h.db, close: () => big.stop() });
    const roomy = await connect(h.core, big, 'Council Mastodon');
    const update = await callOk(h.core, 'updates.create', {
      title: 'Bin collections change',
      channels: ['mastodon'],
      variants: { mastodon: { text: POST } },
    });
    const before = await callOk(h.core, 'updates.check', { id: update.id });
    expect(before.blocking).toBe(1);
    expect(before.findings[0]?.message).toContain('700 characters; the limit is 500');
    await callOk(h.core, 'channels.test', { targetId: roomy.id });
    expect((await callOk(h.core, 'updates.check', { id: update.id })).blocking).toBe(0);
  });
});
