/**
 * `npm run bench -- queue --json <file>`: 10,000 publications × 3 channel
 * targets (30,000 deliveries) through the real headless worker process
 * (`electron/hosts/worker.ts`) and the real store, with a channel that
 * answers at once (bench/instant-channel.ts), on SQLite and on PostgreSQL.
 *
 *   (a) baseline, same run, same store: a bare queue of the same number of
 *       rows: one committed claim (`UPDATE … RETURNING`, `SKIP LOCKED` on
 *       PostgreSQL) per batch of 16, then one committed "done" write per row,
 *       16 at a time. No history, attempts, leases, rendering or channel.
 *   (b) the app: the worker claims with a lease, writes the attempt and the
 *       history, loads and renders the saved version, calls the channel and
 *       records the outcome, as it does for a real channel.
 *
 * While (b) runs this process calls `queue.list` (50 rows, as the Queue
 * screen does) every 50 ms and reports the p95. Claim-to-done latency is
 * each attempt's `started_at` → `finished_at` as the store recorded it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../electron/core/channels/registry.ts';
import { createLogger } from '../electron/core/logging/logger.ts';
import type { Engine, SqlDb } from '../electron/core/store/sql.ts';
import { openNodeStores } from '../electron/hosts/node-core.ts';
import { startWorkerProcess } from '../tests/integration/queue/worker-process.ts';
import { createFreshDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../tests/support/postgres.ts';
import { seedPublications } from '../tests/support/queue-seed.ts';
import { channelAdapters, INSTANT_KIND } from './instant-channel.ts';
import { benchPeople } from './bench-people.ts';

const CLOCK_TICKS = 100;
const INSTANT_MODULE = resolve(import.meta.dirname, 'instant-channel.ts');
/** The worker's default most sends at once; the baseline works in batches of the same size. */
const BATCH = 16;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function procStatus(pid: number): { peakRssMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { peakRssMb: hwm / 1024, cpuMs: (ticks / CLOCK_TICKS) * 1000 };
}

const count = async (db: SqlDb, sql: string) => Number((await db.one(sql))?.n ?? 0);

/** (a): the least a durable queue does per delivery, on the same store: a committed claim and a committed "done". */
async function baseline(db: SqlDb, rows: number): Promise<number> {
  const time = db.engine === 'postgres' ? 'timestamptz' : 'text';
  await db.exec(
    `CREATE TABLE bench_queue (id text PRIMARY KEY, status text NOT NULL, next_attempt_at ${time} NOT NULL,
       lease_owner text, updated_at ${time} NOT NULL);
     CREATE INDEX bench_queue_due ON bench_queue (status, next_attempt_at)`,
  );
  const at = new Date().toISOString();
  for (let start = 0; start < rows; start += 500) {
    const size = Math.min(500, rows - start);
    const values = Array.from({ length: size }, (_, i) => `($${i + 1}, 'queued', $${size + 1}, NULL, $${size + 1})`);
    await db.run(`INSERT INTO bench_queue VALUES ${values.join(', ')}`, [
      ...Array.from({ length: size }, (_, i) => `row-${String(start + i).padStart(6, '0')}`),
      at,
    ]);
  }
  const skipLocked = db.engine === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const started = performance.now();
  for (;;) {
    const now = new Date().toISOString();
    const claimed = await db.transaction((tx) =>
      tx.all(
        `UPDATE bench_queue SET status = 'sending', lease_owner = 'bench', updated_at = $1
         WHERE id IN (SELECT id FROM bench_queue WHERE status = 'queued' AND next_attempt_at <= $1
           ORDER BY next_attempt_at, id LIMIT ${BATCH} ${skipLocked})
         RETURNING id`,
        [now],
      ),
    );
    if (claimed.length === 0) break;
    await Promise.all(
      claimed.map((row) =>
        db.transaction((tx) =>
          tx.run(
            `UPDATE bench_queue SET status = 'delivered', lease_owner = NULL, updated_at = $1
             WHERE id = $2 AND status = 'sending'`,
            [new Date().toISOString(), String(row.id)],
          ),
        ),
      ),
    );
  }
  const ms = performance.now() - started;
  const done = await count(db, `SELECT count(*) AS n FROM bench_queue WHERE status = 'delivered'`);
  if (done !== rows) throw new Error(`the baseline delivered ${done} of ${rows}`);
  return ms;
}

type EngineResult = Awaited<ReturnType<typeof benchEngine>>;

async function benchEngine(engine: Engine, publications: number, targetCount: number, cluster?: ThrowawayPostgres) {
  const dataDir = mkdtempSync(join(tmpdir(), `town-crier-bench-queue-${engine}-`));
  const databaseUrl = cluster ? await createFreshDatabase(cluster, { prefix: 'bench_queue' }) : undefined;
  const { db, settings, secrets } = await openNodeStores({ dataDir, databaseUrl });
  const core = createCore({
    db,
    settings,
    secrets,
    logger: createLogger('bench', () => undefined),
    channels: createChannelRegistry([...BUILT_IN_CHANNEL_ADAPTERS, ...channelAdapters]),
  });
  try {
    const { call, approverSession } = await benchPeople(core);
    const targets: { id: string }[] = [];
    for (let i = 0; i < targetCount; i++) {
      targets.push(await call('channels.create', { kind: INSTANT_KIND, name: `Account ${i + 1}`, settings: {} }));
    }
    const update = await call<{ id: string }>('updates.create', {
      title: 'Road closure on the High Street',
      summary: 'The High Street is closed to traffic from Monday for four weeks.',
      body: {
        type: 'doc',
        content: Array.from({ length: 4 }, () => ({
          type: 'paragraph',
          content: [{ type: 'text', text: 'Buses divert via Station Road. Pedestrian access to shops is kept. ' }],
        })),
      },
    });
    const { revision } = await call<{ revision: number }>('updates.get', { id: update.id });
    await call('review.submit', { updateId: update.id, revision });
    await call('review.approve', { updateId: update.id, revision }, approverSession);
    // One publication through queue.publish, the rest as the same rows in bulk (seconds instead of minutes).
    const first = await call<{ updateRevision: number; contentHash: string; createdBy: string }>('queue.publish', {
      updateId: update.id,
      targetIds: targets.map((t) => t.id),
    });
    await seedPublications(db, {
      updateId: update.id,
      updateRevision: first.updateRevision,
      contentHash: first.contentHash,
      targetIds: targets.map((t) => t.id),
      count: publications - 1,
      createdBy: first.createdBy,
    });
    const deliveries = publications * targetCount;
    if ((await count(db, 'SELECT count(*) AS n FROM deliveries')) !== deliveries) throw new Error('seeding failed');

    const baselineMs = await baseline(db, deliveries);
    process.stderr.write(`${engine} baseline: ${deliveries} in ${(baselineMs / 1000).toFixed(1)} s\n`);

    const store = databaseUrl ? { dataDir, databaseUrl } : { dataDir };
    const worker = await startWorkerProcess(
      store,
      ['--data', dataDir, '--channels-module', INSTANT_MODULE, '--poll-ms', '50', '--log-level', 'warn'],
      { startTimeoutMs: 120_000 },
    );
    const pid = worker.child.pid ?? 0;
    const ui: number[] = [];
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t = performance.now();
        await call('queue.list', { limit: 50 });
        ui.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const deadline = Date.now() + 30 * 60_000;
    while ((await count(db, `SELECT count(*) AS n FROM deliveries WHERE status = 'delivered'`)) < deliveries) {
      if (Date.now() > deadline) throw new Error(`the worker did not finish: ${worker.stderr().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    done = true;
    await probe;
    const proc = procStatus(pid);
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    if (exit.code !== 0) throw new Error(`the worker exited with ${exit.code}: ${worker.stderr().slice(-2000)}`);

    const attempts = await db.all('SELECT started_at, finished_at, outcome FROM delivery_attempts');
    if (attempts.length !== deliveries || attempts.some((a) => a.outcome !== 'delivered')) {
      throw new Error(`expected ${deliveries} delivered attempts, found ${attempts.length}`);
    }
    const ms = (value: unknown) => new Date(value as string | Date).getTime();
    const latencies = attempts.map((a) => ms(a.finished_at) - ms(a.started_at));
    const firstClaim = Math.min(...attempts.map((a) => ms(a.started_at)));
    const lastDone = Math.max(...attempts.map((a) => ms(a.finished_at)));
    const appSeconds = (lastDone - firstClaim) / 1000;
    const app = deliveries / appSeconds;
    const base = deliveries / (baselineMs / 1000);
    const result = {
      engine,
      deliveries,
      baseline: { deliveriesPerSecond: base, seconds: baselineMs / 1000 },
      app: {
        deliveriesPerSecond: app,
        seconds: appSeconds,
        claimToDoneMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) },
        uiListP95Ms: percentile(ui, 95),
        uiListMaxMs: Math.max(...ui),
        uiCalls: ui.length,
        workerPeakRssMb: proc.peakRssMb,
        workerCpuMsPerDelivery: proc.cpuMs / deliveries,
      },
      ratio: app / base,
    };
    process.stderr.write(`${engine} app: ${app.toFixed(0)} deliveries/s (baseline ${base.toFixed(0)}/s)\n`);
    return result;
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runQueueBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      publications: { type: 'string', default: '10000' },
      targets: { type: 'string', default: '3' },
      engines: { type: 'string', default: 'sqlite,postgres' },
      json: { type: 'string' },
    },
  });
  const publications = Number(values.publications);
  const targets = Number(values.targets);
  const engines = values.engines.split(',').map((e) => (e.trim() === 'postgres' ? 'postgres' : 'sqlite'));
  const cluster = engines.includes('postgres') ? await startThrowawayPostgres() : undefined;
  const results: EngineResult[] = [];
  try {
    for (const engine of engines) {
      results.push(await benchEngine(engine, publications, targets, engine === 'postgres' ? cluster : undefined));
    }
  } finally {
    await cluster?.stop();
  }
  const output = {
    benchmark: 'publishing queue',
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverage1m: loadavg()[0] },
    publications,
    targetsPerPublication: targets,
    results,
    notes:
      'The headless worker process (node electron/hosts/worker.ts, default limits: 16 sends at once) with a channel that answers at once. ' +
      'deliveriesPerSecond: deliveries / (last attempt finished − first attempt started). ' +
      `Baseline: the same number of rows in a bare table of the same store, claimed ${BATCH} at a time (one committed UPDATE … RETURNING) and marked done one committed UPDATE each, ${BATCH} at once; ratio = app / baseline. ` +
      'Claim-to-done: each attempt row, started_at (written by the claim) to finished_at (the outcome recorded). ' +
      'UI call: queue.list (50 rows) from this process on the same database every 50 ms during the run. ' +
      'SQLite runs with synchronous=FULL (every commit reaches the disk); the throwaway PostgreSQL cluster ' +
      '(tests/support/postgres.ts) runs with fsync=off and synchronous_commit=off, so its figures leave out the disk.',
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(output, null, 2)}\n`);
}
