import { afterEach, describe, expect, it } from 'vitest';
import { seedPublications } from '../../support/queue-seed.ts';
import { createScope, eventually, openQueueHarness, usePostgres } from './queue-harness.ts';
import { killIfRunning, startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * Issue 5, "must show": three workers on one PostgreSQL take 3,000
 * deliveries, and each is delivered exactly once. Each worker is its own
 * process (`node electron/hosts/worker.ts --database …`, as three machines
 * would run it), and the publications arrive while they are all running.
 */

const postgres = usePostgres();
const WORKERS = 3;
const TARGETS = 3;
const DELIVERIES = 3000;

describe('three worker processes on one PostgreSQL database', () => {
  let scope = createScope();
  const processes: WorkerProcess[] = [];
  afterEach(async () => {
    processes.splice(0).forEach(killIfRunning);
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it(`deliver each of ${DELIVERIES} deliveries exactly once`, { timeout: 120_000 }, async () => {
    const h = await openQueueHarness(scope, 'postgres', postgres);
    const targets = [];
    for (let i = 0; i < TARGETS; i++) targets.push(await h.target(undefined, `Account ${i}`));
    // Answers take 0–2 ms, in a different order from the requests, so the workers' claims interleave.
    h.sink.behave(() => ({ kind: 'delay', ms: Math.floor(Math.random() * 3) }));
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        startWorkerProcess(h.location, ['--id', `worker-${i}`, '--log-level', 'warn']),
      ),
    );
    processes.push(...workers);
    expect(workers.map((w) => w.workerId)).toEqual(['worker-0', 'worker-1', 'worker-2']);

    // One publication through the real publish path (approved, checked), then the rest as the same rows in bulk.
    const first = await h.publish(targets);
    const seeded = await seedPublications(h.db, {
      updateId: first.updateId,
      updateRevision: first.updateRevision,
      contentHash: first.contentHash,
      targetIds: targets.map((t) => t.id),
      count: DELIVERIES / TARGETS - 1,
      createdBy: first.createdBy,
    });
    const ids = [...first.deliveries.map((d) => d.id), ...seeded.deliveries.map((d) => d.id)];
    expect(new Set(ids).size).toBe(DELIVERIES);

    const started = Date.now();
    await eventually(
      'every delivery is delivered',
      async () =>
        Number((await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE status = 'delivered'`))?.n) === DELIVERIES,
      90_000,
    );
    const seconds = (Date.now() - started) / 1000;
    for (const worker of workers) worker.child.kill('SIGTERM');
    expect((await Promise.all(workers.map((w) => w.exited))).map((e) => e.code)).toEqual([0, 0, 0]);

    // The channel saw each delivery once, and published each once.
    const perDelivery = new Map<string, number>();
    for (const r of h.sink.requests) perDelivery.set(r.deliveryId, (perDelivery.get(r.deliveryId) ?? 0) + 1);
    expect(h.sink.requests).toHaveLength(DELIVERIES);
    expect(h.sink.posts).toHaveLength(DELIVERIES);
    expect([...perDelivery.keys()].sort()).toEqual([...ids].sort());
    expect([...perDelivery.values()].every((n) => n === 1)).toBe(true);

    // The store agrees: one claim and one finished attempt per delivery, the channel's URL recorded, no lease left.
    const attempts = await h.db.all('SELECT delivery_id, worker, outcome FROM delivery_attempts');
    expect(attempts).toHaveLength(DELIVERIES);
    expect(attempts.every((a) => a.outcome === 'delivered')).toBe(true);
    expect(Number((await h.db.one(`SELECT count(*) AS n FROM delivery_history WHERE event = 'claim'`))?.n)).toBe(
      DELIVERIES,
    );
    const urls = new Map(h.sink.posts.map((p) => [p.deliveryId, p.url]));
    const rows = await h.db.all('SELECT id, external_url, lease_owner FROM deliveries');
    expect(rows.every((r) => r.external_url === urls.get(String(r.id)) && r.lease_owner === null)).toBe(true);

    // All three really took part.
    const perWorker: Record<string, number> = {};
    for (const a of attempts) perWorker[String(a.worker)] = (perWorker[String(a.worker)] ?? 0) + 1;
    process.stdout.write(
      `${WORKERS} worker processes, ${DELIVERIES} deliveries on PostgreSQL in ${seconds.toFixed(1)} s: ${JSON.stringify(perWorker)}\n`,
    );
    expect(Object.keys(perWorker).sort()).toEqual(['worker-0', 'worker-1', 'worker-2']);
  });
});
