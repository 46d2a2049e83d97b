import { afterEach, describe, expect, it } from 'vitest';
import { renderVariant } from '../../../shared/channels/variants.ts';
import { createScope, callOk } from '../store/store-suite.ts';
import { PNG } from './static-site-fixtures.ts';
import { longText, openMastodonRig } from './mastodon-fixtures.ts';

/** Mastodon deliveries that go out: images with alt text, threads, and the instance's own limit. */

const scope = createScope();
afterEach(() => scope.dispose());

describe('Mastodon through the queue', () => {
  it('posts two images with their alt texts (and a caption) as descriptions, publicly and in English', async () => {
    const rig = await openMastodonRig(scope, { mediaPolls: 2 });
    const image = await callOk(rig.core, 'media.add', { name: 'bin.png', dataBase64: PNG.toString('base64') });
    const second = Buffer.from(PNG);
    second[second.length - 20] = (second[second.length - 20] ?? 0) ^ 1;
    const other = await callOk(rig.core, 'media.add', { name: 'b.png', dataBase64: second.toString('base64') });
    const id = await rig.publish({
      body: {
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'Green bins are collected on Tuesdays.' }] },
          { type: 'image', attrs: { src: `media:${image.id}`, alt: 'A green wheelie bin at the kerb' } },
          {
            type: 'image',
            attrs: { src: `media:${other.id}`, alt: 'The new collection calendar', caption: 'From 5 January' },
          },
        ],
      },
    });
    rig.worker.start();
    const delivered = await rig.waitFor(id, ['delivered', 'failed', 'unconfirmed']);
    const [status] = rig.emulator.statuses;
    expect(rig.emulator.statuses).toHaveLength(1);
    expect(delivered).toMatchObject({ status: 'delivered', externalId: status?.id, externalUrl: status?.url });
    expect(status).toMatchObject({ language: 'en', visibility: 'public', inReplyToId: null });
    const attached = (status?.mediaIds ?? []).map((m) => rig.emulator.media.get(m));
    expect(attached.map((m) => m?.description)).toEqual([
      'A green wheelie bin at the kerb',
      // A post shows no caption under its images, so the caption goes with the description.
      'The new collection calendar. Caption: From 5 January',
    ]);
    expect(attached[0]?.bytes).toEqual(PNG);
  });

  it('posts a threaded variant as a reply chain, in order, each with its own Idempotency-Key', async () => {
    const rig = await openMastodonRig(scope);
    const text = longText(1200);
    const id = await rig.publish({ variants: { mastodon: { text, thread: true } } });
    rig.worker.start();
    await rig.waitFor(id, ['delivered', 'failed', 'unconfirmed']);
    const expected = renderVariant(
      'mastodon',
      { title: '', summary: '', body: { type: 'doc', content: [] } },
      {
        mastodon: { text, thread: true },
      },
      { organisationName: '' },
    );
    const posts = expected.kind === 'mastodon' ? expected.posts : [];
    expect(posts).toHaveLength(3);
    const statuses = rig.emulator.statuses;
    expect(statuses.map((s) => s.text)).toEqual(posts);
    expect(statuses.map((s) => s.inReplyToId)).toEqual([null, statuses[0]?.id, statuses[1]?.id]);
    expect(new Set(statuses.map((s) => s.idempotencyKey)).size).toBe(3);
    expect((await rig.delivery(id)).externalId).toBe(statuses[0]?.id);
  });

  it('uses the instance’s own limit: 1,000 lets a 600-character post out as one post', async () => {
    const rig = await openMastodonRig(scope, { maxCharacters: 1000 });
    const text = longText(600);
    // The compose check assumes 500 and would split it; the instance allows 1,000, so it goes as one post.
    const id = await rig.publish({ variants: { mastodon: { text, thread: true } } });
    rig.worker.start();
    expect(await rig.waitFor(id, ['delivered', 'failed'])).toMatchObject({ status: 'delivered' });
    expect(rig.emulator.statuses.map((s) => s.text)).toEqual([text]);
  });

  it('refuses before sending when the instance’s limit is lower than the post', async () => {
    const rig = await openMastodonRig(scope, { maxCharacters: 300 });
    const id = await rig.publish({ variants: { mastodon: { text: longText(450) } } });
    rig.worker.start();
    const failed = await rig.waitFor(id, ['delivered', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.lastError?.message).toContain('This Mastodon instance allows 300 characters a post.');
    expect(rig.emulator.requests.filter((r) => r.path === '/api/v1/statuses')).toHaveLength(0);
  });
});
