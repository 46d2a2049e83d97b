import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryRepository } from '../../../electron/core/queue/delivery-repository.ts';
import { seedPublications } from '../../support/queue-seed.ts';
import { createScope, ENGINES, openQueueHarness, usePostgres, type QueueHarness } from './queue-harness.ts';

/**
 * What the claim takes, on both engines: the oldest due deliveries of one
 * target over all three waiting statuses, never one of a publication still
 * waiting for approval or one waiting on another delivery, however many of
 * those come first. (On SQLite the claim walks the index once per status
 * instead of sorting every waiting delivery, which the queue benchmark found
 * took 200 ms a claim with 10,000 waiting.)
 */

const postgres = usePostgres();

async function seed(h: QueueHarness, count: number) {
  const target = await h.target();
  const first = await h.publish([target]);
  await h.db.run('DELETE FROM publications WHERE id = $1', [first.id]);
  const seeded = await seedPublications(h.db, {
    updateId: first.updateId,
    updateRevision: first.updateRevision,
    contentHash: first.contentHash,
    targetIds: [target.id],
    count,
  });
  return { target, deliveries: seeded.deliveries };
}

const at = (base: number, seconds: number) => new Date(base + seconds * 1000).toISOString();

describe.each(ENGINES)('the claim query on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('takes the oldest due over queued, scheduled and retry_wait, skipping pending and waiting ones', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const { target, deliveries } = await seed(h, 6);
    const [pending, retrying, scheduled, dependent, queued, later] = deliveries.map((d) => d.id) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const now = Date.now();
    const set = (id: string, status: string, seconds: number) =>
      h.db.run('UPDATE deliveries SET status = $1, next_attempt_at = $2 WHERE id = $3', [status, at(now, seconds), id]);
    await set(pending, 'queued', -6);
    await h.db.run(
      `UPDATE publications SET authorisation = 'pending' WHERE id = (SELECT publication_id FROM deliveries WHERE id = $1)`,
      [pending],
    );
    await set(retrying, 'retry_wait', -5);
    await set(scheduled, 'scheduled', -4);
    await set(dependent, 'queued', -3);
    await h.db.run('UPDATE deliveries SET depends_on_delivery_id = $1 WHERE id = $2', [queued, dependent]);
    await set(queued, 'queued', -2);
    await set(later, 'retry_wait', 60);

    const repo = createDeliveryRepository(h.db);
    const ids = async (limit: number) =>
      (await repo.selectDue(target.id, new Date(now).toISOString(), limit)).map((d) => d.id);
    expect(await ids(10)).toEqual([retrying, scheduled, queued]);
    expect(await ids(2)).toEqual([retrying, scheduled]);
    expect(await ids(1)).toEqual([retrying]);
    // Once what it waits on is delivered, the dependent one is due too.
    await h.db.run(`UPDATE deliveries SET status = 'delivered' WHERE id = $1`, [queued]);
    expect(await ids(10)).toEqual([retrying, scheduled, dependent]);
  });

  it('finds the due ones behind a thousand that may not be sent yet', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const { target, deliveries } = await seed(h, 1010);
    const held = deliveries.slice(0, 1000).map((d) => d.publicationId);
    await h.db.run(`UPDATE deliveries SET next_attempt_at = $1`, [at(Date.now(), -60)]);
    for (let i = 0; i < held.length; i += 200) {
      const chunk = held.slice(i, i + 200);
      await h.db.run(
        `UPDATE publications SET authorisation = 'pending' WHERE id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')})`,
        chunk,
      );
    }
    const due = await createDeliveryRepository(h.db).selectDue(target.id, new Date().toISOString(), 4);
    const free = new Set(deliveries.slice(1000).map((d) => d.id));
    expect(due).toHaveLength(4);
    expect(due.every((d) => free.has(d.id))).toBe(true);
    expect(due.map((d) => d.id)).toEqual([...due.map((d) => d.id)].sort());
  });
});
