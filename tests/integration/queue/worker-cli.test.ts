import { afterEach, describe, expect, it } from 'vitest';
import { IDEMPOTENT_SINK_KIND } from '../../support/http-sink-channel.ts';
import { createScope, ENGINES, eventually, openQueueHarness, sleep, usePostgres } from './queue-harness.ts';
import { killIfRunning, startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * The headless worker as an operator runs it (`npm run worker -- --data … |
 * --database …`), in a real child process: it stops cleanly on SIGTERM, and
 * a real crash (SIGKILL mid-send) never leads to a second send of a
 * non-idempotent delivery.
 */

const postgres = usePostgres();

describe.each(ENGINES)('npm run worker on $engine', ({ engine }) => {
  let scope = createScope();
  const processes: WorkerProcess[] = [];
  afterEach(async () => {
    processes.splice(0).forEach(killIfRunning);
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const start = async (location: Parameters<typeof startWorkerProcess>[0], extra: string[] = []) => {
    const worker = await startWorkerProcess(location, extra);
    processes.push(worker);
    return worker;
  };

  it('prints one line, then on SIGTERM finishes the send in flight and exits 0', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const target = await h.target();
    h.sink.behave(() => ({ kind: 'delay', ms: 800 }));
    const worker = await start(h.location);
    expect(worker.line).toMatch(
      new RegExp(
        `^Town Crier worker \\S+ started on ${engine} \\(.+\\), channels: website\\.static, website\\.wordpress, social\\.x, social\\.mastodon, social\\.bluesky, email\\.smtp, test\\.sink, test\\.sink-idempotent, test\\.sink-lookup, test\\.sink-x$`,
      ),
    );
    if (engine === 'postgres') expect(worker.line).not.toContain((await postgres()).password);

    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    await eventually('the worker process sends it', () => h.sink.requests.length === 1, 15_000);
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // It waited for the answer, recorded it, and only then exited.
    expect(exit.at).toBeGreaterThanOrEqual((h.sink.requests[0]?.at ?? 0) + 800);
    expect(await h.delivery(id)).toMatchObject({ status: 'delivered', externalUrl: h.sink.posts[0]?.url });
    expect(worker.stdout).toHaveLength(1);
    const logs = worker
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string });
    expect(logs.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'Queue worker started',
        'Stopping: finishing the sends in flight',
        'Queue worker stopped',
      ]),
    );
    const attempt = await h.db.one('SELECT worker, outcome FROM delivery_attempts WHERE delivery_id = $1', [id]);
    expect(attempt).toEqual({ worker: worker.workerId, outcome: 'delivered' });
  });

  it('after a kill -9 mid-send, never re-sends a non-idempotent delivery, and re-sends an idempotent one once', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const plain = await h.target(undefined, 'Plain');
    const idempotent = await h.target(IDEMPOTENT_SINK_KIND, 'Idempotent');
    const publication = await h.publish([plain, idempotent]);
    const plainId = publication.deliveries.find((d) => d.targetId === plain.id)?.id ?? '';
    const idemId = publication.deliveries.find((d) => d.targetId === idempotent.id)?.id ?? '';
    h.sink.behave(() => ({ kind: 'hang' }));
    const crashed = await start(h.location, ['--lease-ms', '1000']);
    await eventually('both sends reach the channel', () => h.sink.requests.length === 2, 15_000);
    crashed.child.kill('SIGKILL');
    expect((await crashed.exited).signal).toBe('SIGKILL');
    expect((await h.delivery(plainId)).status).toBe('sending');

    h.sink.behave(() => ({ kind: 'ok' }));
    (await h.worker()).start();
    const unconfirmed = await h.waitFor(plainId, 'unconfirmed');
    expect(unconfirmed.lastError).toMatchObject({ kind: 'lease_expired' });
    await h.waitFor(idemId, 'delivered');
    await sleep(200);
    expect(h.sink.requestsFor(plainId)).toHaveLength(1);
    expect(h.sink.requestsFor(idemId)).toHaveLength(2);
    expect(h.sink.postsFor(idemId)).toHaveLength(1);
    const attempts = await h.db.all(
      'SELECT delivery_id, worker, outcome FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt',
      [plainId],
    );
    expect(attempts).toEqual([{ delivery_id: plainId, worker: crashed.workerId, outcome: 'lease_expired' }]);
  });
});

describe('two worker processes on one SQLite file', () => {
  let scope = createScope();
  const processes: WorkerProcess[] = [];
  afterEach(async () => {
    processes.splice(0).forEach(killIfRunning);
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('deliver each delivery exactly once and both stop cleanly', async () => {
    const h = await openQueueHarness(scope, 'sqlite', postgres);
    const targets = [await h.target(undefined, 'A'), await h.target(undefined, 'B')];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(...(await h.publish(targets)).deliveries.map((d) => d.id));
    h.sink.behave(() => ({ kind: 'delay', ms: Math.floor(Math.random() * 5) }));
    const workers = await Promise.all([startWorkerProcess(h.location), startWorkerProcess(h.location)]);
    processes.push(...workers);
    await eventually(
      'every delivery is delivered',
      async () =>
        Number((await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE status = 'delivered'`))?.n) === ids.length,
      30_000,
    );
    for (const worker of workers) worker.child.kill('SIGTERM');
    expect((await Promise.all(workers.map((w) => w.exited))).map((e) => e.code)).toEqual([0, 0]);
    expect(h.sink.requests).toHaveLength(ids.length);
    expect(new Set(h.sink.requests.map((r) => r.deliveryId)).size).toBe(ids.length);
  });
});
