import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_GRACE_MS, removeUnusedMedia } from '../../../electron/core/media/media-cleanup.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import type { Doc } from '../../../shared/content/doc.ts';
import { makePng } from '../../support/images.ts';
import { callOk, createScope, ENGINES, openQueueHarness, usePostgres } from '../queue/queue-harness.ts';

/**
 * Unused images are removed, safely: a version or a template that refers to
 * an image keeps it, and so does the grace period after it was last added or
 * saved (an editor that has not saved yet). One audit line per run.
 */

const postgres = usePostgres();
const logger = createLogger('test', () => undefined);
const DAY = 24 * 60 * 60 * 1000;
const later = (ms: number) => () => new Date(Date.now() + ms);

const withImage = (id: string, alt = 'A map'): Doc => ({
  type: 'doc',
  content: [
    { type: 'paragraph', content: [{ type: 'text', text: 'The road is closed.' }] },
    { type: 'image', attrs: { src: `media:${id}`, alt } },
  ],
});
const noImage: Doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Open.' }] }] };

describe.each(ENGINES)('removing unused images on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('keeps images a version or template uses, or that were just added; removes the rest, audited', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const add = async (seed: number) =>
      (
        await callOk(h.core, 'media.add', {
          name: `${seed}.png`,
          dataBase64: makePng(2, 2, [seed, seed, seed]).toString('base64'),
        })
      ).id;
    const [inOldVersion, inTemplate, unused, inDraft, addedAgain] = [
      await add(1),
      await add(2),
      await add(3),
      await add(4),
      await add(5),
    ];

    // An update whose first version had the image and whose current version does not: history keeps it.
    const update = await callOk(h.core, 'updates.create', { title: 'Road closed', body: withImage(inOldVersion) });
    await callOk(h.core, 'updates.save', {
      id: update.id,
      baseRevision: update.revision,
      title: update.title,
      summary: '',
      body: noImage,
    });
    // A template saved earlier refers to another.
    await h.db.run(
      `INSERT INTO templates (id, name, title, summary, body_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
      ['tpl-1', 'Gritting', 'Gritting tonight', '', JSON.stringify(withImage(inTemplate)), new Date().toISOString()],
    );
    // "addedAgain" was last used long ago, then someone put the same picture into an editor again just now.
    await h.db.run('UPDATE media SET last_used_at = $1 WHERE id = $2', [
      new Date(Date.now() - 3 * DAY).toISOString(),
      addedAgain,
    ]);
    await callOk(h.core, 'media.add', { name: 'again.png', dataBase64: makePng(2, 2, [5, 5, 5]).toString('base64') });

    // Within the grace period nothing unused goes, not even the image no body has ever used.
    expect(await removeUnusedMedia({ db: h.db, now: later(DAY / 2), logger })).toEqual({ removed: [], bytes: 0 });

    // Two days on: the unused image and the one only an unsaved editor had are removed; the others stay.
    const result = await removeUnusedMedia({ db: h.db, now: later(2 * DAY), logger });
    expect(result.removed.sort()).toEqual([unused, inDraft, addedAgain].sort());
    expect(result.bytes).toBeGreaterThan(0);
    const left = (await h.db.all('SELECT id FROM media ORDER BY id')).map((r) => String(r.id));
    expect(left.sort()).toEqual([inOldVersion, inTemplate].sort());
    expect((await callOk(h.core, 'media.get', { id: inOldVersion })).id).toBe(inOldVersion);

    // One line in the hash-chained audit log, by the clean-up, naming what went.
    const { items } = await callOk(h.core, 'audit.list', { action: 'media.removed' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actorId: null,
      actorName: 'Image clean-up',
      action: 'media.removed',
      subjectType: 'media',
      details: { count: 3, bytes: result.bytes },
    });
    expect((await callOk(h.core, 'audit.verify', {})).ok).toBe(true);

    // Nothing more to do: no second audit line.
    expect((await removeUnusedMedia({ db: h.db, now: later(2 * DAY), logger })).removed).toEqual([]);
    expect(MEDIA_GRACE_MS).toBe(DAY);
  });

  it('an image saved in a version again is used now, so the clean-up leaves it', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const { id } = await callOk(h.core, 'media.add', {
      name: 'a.png',
      dataBase64: makePng(3, 3, [9, 9, 9]).toString('base64'),
    });
    await h.db.run('UPDATE media SET last_used_at = $1 WHERE id = $2', [
      new Date(Date.now() - 3 * DAY).toISOString(),
      id,
    ]);
    await callOk(h.core, 'updates.create', { title: 'Bins', body: withImage(id) });
    const row = await h.db.one('SELECT last_used_at FROM media WHERE id = $1', [id]);
    expect(Date.now() - new Date(String(row?.last_used_at)).getTime()).toBeLessThan(60_000);
  });

  it('runs in the queue worker at its first pass', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const { id } = await callOk(h.core, 'media.add', {
      name: 'a.png',
      dataBase64: makePng(1, 2, [3, 3, 3]).toString('base64'),
    });
    const worker = await h.worker({ now: later(2 * DAY) });
    await worker.runOnce();
    expect(await h.db.one('SELECT id FROM media WHERE id = $1', [id])).toBeUndefined();
    // The next pass within the hour does not look again (the image added now would be within grace anyway).
    await callOk(h.core, 'media.add', { name: 'b.png', dataBase64: makePng(1, 3, [4, 4, 4]).toString('base64') });
    await worker.runOnce();
    expect(Number((await h.db.one('SELECT count(*) AS n FROM media'))?.n)).toBe(1);
  });
});
