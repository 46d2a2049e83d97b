import { afterEach, describe, expect, it } from 'vitest';
import { createScope, eventually, openQueueHarness, usePostgres, type QueueHarness } from './queue-harness.ts';

/**
 * Several workers on one database never deliver the same thing twice. On
 * PostgreSQL each worker has its own connection pool, as separate machines
 * would, and claims with FOR UPDATE SKIP LOCKED; on SQLite the workers share
 * the app's connection and claim inside BEGIN IMMEDIATE.
 */

const postgres = usePostgres();

async function publishMany(h: QueueHarness, publications: number, targetCount: number) {
  const targets = [];
  for (let i = 0; i < targetCount; i++) targets.push(await h.target(undefined, `Account ${i}`));
  const ids: string[] = [];
  for (let i = 0; i < publications; i++) {
    const publication = await h.publish(targets, { title: `Update ${i}` });
    ids.push(...publication.deliveries.map((d) => d.id));
  }
  return ids;
}

describe.each([
  { engine: 'postgres' as const, workers: 4, publications: 50, targets: 4, ownPool: true },
  { engine: 'sqlite' as const, workers: 3, publications: 20, targets: 3, ownPool: false },
])('$workers workers on one $engine database', ({ engine, workers, publications, targets, ownPool }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it(`deliver each of ${publications * targets} deliveries exactly once`, async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const ids = await publishMany(h, publications, targets);
    expect(new Set(ids).size).toBe(publications * targets);
    // Answers take a few milliseconds, in a different order from the requests, so claims interleave.
    h.sink.behave(() => ({ kind: 'delay', ms: Math.floor(Math.random() * 6) }));
    const running = [];
    for (let i = 0; i < workers; i++) running.push(await h.worker({ ownPool, pollMs: 10, id: `worker-${i}` }));
    for (const worker of running) worker.start();

    await eventually(
      'every delivery is delivered',
      async () =>
        Number((await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE status = 'delivered'`))?.n) === ids.length,
      60_000,
    );
    await Promise.all(running.map((w) => w.stop()));

    const perDelivery = new Map<string, number>();
    for (const request of h.sink.requests)
      perDelivery.set(request.deliveryId, (perDelivery.get(request.deliveryId) ?? 0) + 1);
    expect(h.sink.requests).toHaveLength(ids.length);
    expect(h.sink.posts).toHaveLength(ids.length);
    expect([...perDelivery.keys()].sort()).toEqual([...ids].sort());
    expect([...perDelivery.values()].every((n) => n === 1)).toBe(true);

    const attempts = await h.db.all('SELECT delivery_id, worker FROM delivery_attempts');
    expect(attempts).toHaveLength(ids.length);
    const claims = await h.db.one(`SELECT count(*) AS n FROM delivery_history WHERE event = 'claim'`);
    expect(Number(claims?.n)).toBe(ids.length);
    // More than one worker really took part.
    expect(new Set(attempts.map((a) => a.worker)).size).toBeGreaterThan(1);
    const leftovers = await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE lease_owner IS NOT NULL`);
    expect(Number(leftovers?.n)).toBe(0);
  });
});
