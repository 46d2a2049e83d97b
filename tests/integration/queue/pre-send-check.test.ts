import { afterEach, describe, expect, it } from 'vitest';
import { approveCurrent } from '../../support/people.ts';
import { X_RULES_SINK_KIND } from '../../support/http-sink-channel.ts';
import { callError, callOk, createScope, ENGINES, openQueueHarness, usePostgres } from './queue-harness.ts';

/**
 * The core refuses to queue an update that the compose checks block, whatever
 * a UI shows: the same rendering and checks run on the exact saved content.
 */

const postgres = usePostgres();

describe.each(ENGINES)('pre-send check on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const count = async (db: { one(sql: string): Promise<Record<string, unknown> | undefined> }, table: string) =>
    Number((await db.one(`SELECT count(*) AS n FROM ${table}`))?.n);

  it('refuses an X variant over its limit, naming the channel and the count, and queues nothing', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const target = await h.target();
    const update = await callOk(h.core, 'updates.create', {
      title: 'Gritting tonight',
      channels: ['x'],
      variants: { x: { text: 'Gritters are out tonight on all priority routes. '.repeat(7).trim() } },
    });
    const error = await callError(h.core, 'queue.publish', {
      updateId: update.id,
      targetIds: [target.id],
      // Urgent publish skips approval, never the content checks.
      urgent: { reason: 'Testing the pre-send check' },
    });
    // 49 characters a sentence, 7 times, less the trailing space: 342.
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('updateId');
    expect(error.message).toMatch(
      /^This update cannot be sent yet \(1 to fix\)\. X post: X post has 342 characters; the limit is 280\./,
    );
    expect(await count(h.db, 'publications')).toBe(0);
    expect(await count(h.db, 'deliveries')).toBe(0);

    // Choosing the thread makes every post fit, and then it queues.
    await callOk(h.core, 'updates.save', {
      id: update.id,
      baseRevision: update.revision,
      title: update.title,
      summary: '',
      body: update.body,
      variants: { x: { text: update.variants.x?.text ?? '', thread: true } },
    });
    await approveCurrent(h.core, update.id);
    const publication = await callOk(h.core, 'queue.publish', { updateId: update.id, targetIds: [target.id] });
    expect(publication.deliveries).toHaveLength(1);
  });

  it('checks a target of a kind the update was not written for, as that kind will render it', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const xTarget = await h.target(X_RULES_SINK_KIND);
    const update = await callOk(h.core, 'updates.create', {
      title: 'Gritting tonight',
      summary: 'Gritters are out tonight on all priority routes. '.repeat(6).trim(),
      channels: ['website'],
    });
    const error = await callError(h.core, 'queue.publish', {
      updateId: update.id,
      targetIds: [xTarget.id],
      // Urgent publish skips approval, never the content checks.
      urgent: { reason: 'Testing the pre-send check' },
    });
    expect(error.message).toMatch(/X post: X post has \d+ characters; the limit is 280\./);
    expect(await count(h.db, 'deliveries')).toBe(0);
  });

  it('refuses an image without alt text', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const target = await h.target();
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const media = await callOk(h.core, 'media.add', {
      name: 'map.png',
      type: 'image/png',
      dataBase64: png.toString('base64'),
    });
    const update = await callOk(h.core, 'updates.create', {
      title: 'Diversion map',
      channels: ['website'],
      body: { type: 'doc', content: [{ type: 'image', attrs: { src: `media:${media.id}`, alt: '' } }] },
    });
    const error = await callError(h.core, 'queue.publish', {
      updateId: update.id,
      targetIds: [target.id],
      // Urgent publish skips approval, never the content checks.
      urgent: { reason: 'Testing the pre-send check' },
    });
    expect(error.message).toContain('image 1');
    expect(error.issues?.[0]?.path).toBe('image 1');
    expect(await count(h.db, 'deliveries')).toBe(0);
  });
});
