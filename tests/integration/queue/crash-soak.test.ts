import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/core/store/sql.ts';
import { IDEMPOTENT_SINK_KIND, LOOKUP_SINK_KIND, SINK_KIND } from '../../support/http-sink-channel.ts';
import { seedPublications } from '../../support/queue-seed.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { createScope, eventually, openQueueHarness, sleep, usePostgres } from './queue-harness.ts';
import { killIfRunning, startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * Issue 5, "must show": the crash soak. The headless worker
 * (`node electron/hosts/worker.ts`) is killed with SIGKILL at 20 random
 * moments while it sends 2,000 deliveries, and started again each time; then
 * the last one finishes. The channel is a real HTTP server in this process
 * (tests/support/http-sink-server.ts), so every request that reached it is
 * counted, whatever happened to the worker. The targets mix the promises a
 * channel can make: two that cannot ignore a repeat, one that can (it
 * de-duplicates by idempotency key) and one that can look a post up. A few
 * deliveries are refused by the channel (422) and a few are cancelled by a
 * person during the run.
 *
 * The kill moments come from a seeded generator; the seed is printed, and
 * `QUEUE_SOAK_SEED=<seed>` repeats a run. `QUEUE_SOAK_ENGINE=postgres` runs it
 * on PostgreSQL instead of a SQLite file.
 */

const postgres = usePostgres();
const ENGINE: Engine = process.env.QUEUE_SOAK_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
const SEED = Number(process.env.QUEUE_SOAK_SEED ?? randomInt(1, 2 ** 31));
const KILLS = 20;
const PUBLICATIONS = 500;
const REJECTED = 20;
const CANCELS = 40;
const FINAL = new Set(['delivered', 'failed', 'cancelled', 'unconfirmed']);
const UNFINISHED = `('scheduled', 'queued', 'sending', 'retry_wait')`;

const jsonOf = (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value);

describe(`kill -9 of the worker, ${KILLS} times, during 2,000 deliveries on ${ENGINE}`, () => {
  let scope = createScope();
  const processes: WorkerProcess[] = [];
  afterEach(async () => {
    processes.splice(0).forEach(killIfRunning);
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it(
    'loses nothing, sends no non-idempotent delivery twice, and ends every delivery final or unconfirmed',
    {
      timeout: 600_000,
    },
    async () => {
      process.stdout.write(`crash soak: seed ${SEED} (QUEUE_SOAK_SEED=${SEED} repeats it), ${ENGINE}\n`);
      const started = Date.now();
      const rng = seededRandom(SEED);
      const h = await openQueueHarness(scope, ENGINE, postgres);
      const targets = [
        await h.target(SINK_KIND, 'Plain A'),
        await h.target(SINK_KIND, 'Plain B'),
        await h.target(IDEMPOTENT_SINK_KIND, 'Ignores repeats'),
        await h.target(LOOKUP_SINK_KIND, 'Can look up'),
      ];
      const kindOf = new Map(targets.map((t) => [t.id, t.kind]));
      const first = await h.publish(targets);
      const seeded = await seedPublications(h.db, {
        updateId: first.updateId,
        updateRevision: first.updateRevision,
        contentHash: first.contentHash,
        targetIds: targets.map((t) => t.id),
        count: PUBLICATIONS - 1,
        createdBy: first.createdBy,
      });
      const ids = [...first.deliveries.map((d) => d.id), ...seeded.deliveries.map((d) => d.id)];
      expect(new Set(ids).size).toBe(2000);

      // Seeded choices: which deliveries the channel refuses, which a person cancels, and when each kill comes.
      const shuffled = [...ids];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] ?? '', shuffled[i] ?? ''];
      }
      const rejected = new Set(shuffled.slice(0, REJECTED));
      const toCancel = shuffled.slice(REJECTED, REJECTED + CANCELS);
      // Each worker is killed after a random number (10–150) of requests of its own, so every kill lands mid-run.
      const killAfter = Array.from({ length: KILLS }, () => 10 + Math.floor(rng() * 141));
      const extraMs = Array.from({ length: KILLS }, () => Math.floor(rng() * 25));
      h.sink.behave((r) =>
        rejected.has(r.deliveryId)
          ? { kind: 'status', status: 422, body: '{"error":"The title is too long for this account"}' }
          : { kind: 'ok' },
      );

      const unfinished = async () =>
        Number((await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE status IN ${UNFINISHED}`))?.n);
      const cancelled = new Set<string>();
      const cancelRefused: string[] = [];
      const sendingAtKill: number[] = [];
      const killAt: number[] = [];
      const start = async () => {
        // Starting takes a few seconds on a loaded machine; the soak waits for it rather than failing.
        const worker = await startWorkerProcess(h.location, ['--lease-ms', '1000', '--log-level', 'warn'], {
          startTimeoutMs: 90_000,
        });
        processes.push(worker);
        return worker;
      };

      for (let k = 0; k < KILLS; k++) {
        const worker = await start();
        const target = h.sink.requests.length + (killAfter[k] ?? 0);
        killAt.push(target);
        await eventually(
          `the sink has ${target} requests (kill ${k + 1})`,
          async () => h.sink.requests.length >= target || (await unfinished()) === 0,
          120_000,
        );
        // A person cancels two deliveries while the worker runs (refused if it already started sending them).
        for (const id of toCancel.slice(k * 2, k * 2 + 2)) {
          const result = await h.core.call('queue.cancel', { deliveryId: id });
          if (result.ok) cancelled.add(id);
          else {
            expect(result.error.code).toBe('conflict');
            cancelRefused.push(id);
          }
        }
        await sleep(extraMs[k] ?? 0);
        worker.child.kill('SIGKILL');
        expect((await worker.exited).signal).toBe('SIGKILL');
        process.stdout.write(
          `kill ${k + 1}/${KILLS} at ${h.sink.requests.length} requests, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        sendingAtKill.push(
          Number((await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE status = 'sending'`))?.n),
        );
      }

      // The last worker finishes: nothing waiting, and every unconfirmed delivery a look-up can settle, settled.
      const last = await start();
      await eventually(
        'every delivery is final or unconfirmed, and the look-ups are done',
        async () =>
          (await unfinished()) === 0 &&
          Number(
            (
              await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE status = 'unconfirmed' AND target_id = $1`, [
                targets[3]?.id ?? '',
              ])
            )?.n,
          ) === 0,
        120_000,
      );
      last.child.kill('SIGTERM');
      expect((await last.exited).code).toBe(0);

      const rows = await h.db.all('SELECT id, target_id, status, external_url, last_error FROM deliveries');
      const counts: Record<string, Record<string, number>> = {};
      let unconfirmedArrived = 0;
      let absorbedRepeats = 0;
      for (const row of rows) {
        const id = String(row.id);
        const kind = kindOf.get(String(row.target_id)) ?? '?';
        const status = String(row.status);
        (counts[kind] ??= {})[status] = (counts[kind][status] ?? 0) + 1;
        const requests = h.sink.requestsFor(id);
        const posts = h.sink.postsFor(id);
        const where = `${kind} delivery ${id} (${status}, ${requests.length} requests, ${posts.length} posts)`;

        // Every delivery ended final or unconfirmed; nothing is still held by a dead worker.
        expect(FINAL.has(status), where).toBe(true);
        // Published at most once, whatever the channel.
        expect(posts.length, where).toBeLessThanOrEqual(1);
        if (kind === SINK_KIND) {
          // A channel that cannot ignore repeats and cannot look up: never sent a second time.
          expect(requests.length, where).toBeLessThanOrEqual(1);
        }
        if (kind === LOOKUP_SINK_KIND && requests.length > 1) {
          // Sent again only after a look-up found it had not been published (a refused post is never published).
          expect(rejected.has(id), where).toBe(true);
        }
        if (kind === IDEMPOTENT_SINK_KIND && requests.length > posts.length) absorbedRepeats++;
        if (status === 'delivered') {
          expect(posts, where).toHaveLength(1);
          expect(row.external_url, where).toBe(posts[0]?.url);
        }
        if (status === 'failed') {
          expect(rejected.has(id), where).toBe(true);
          expect(posts, where).toHaveLength(0);
          expect(jsonOf(row.last_error), where).toMatchObject({ kind: 'rejected' });
        }
        if (status === 'cancelled') {
          // Cancelled only by a person, and never with anything published (a plain one never even requested).
          expect(cancelled.has(id), where).toBe(true);
          expect(posts, where).toHaveLength(0);
          if (kind === SINK_KIND) expect(requests, where).toHaveLength(0);
        }
        if (status === 'unconfirmed') {
          // Only where a repeat could double-post and no look-up can tell: left for a person.
          expect(kind, where).toBe(SINK_KIND);
          if (requests.length === 1) unconfirmedArrived++;
        }
      }
      // Nothing lost: every delivery is there, each accounted for once.
      expect(rows).toHaveLength(2000);
      expect(rows.map((r) => String(r.id)).sort()).toEqual([...ids].sort());
      for (const id of cancelled) expect(rows.find((r) => r.id === id)?.status).toBe('cancelled');
      // A refused request published nothing and every other request was published once (or absorbed by its key).
      const accepted = h.sink.requests.filter((r) => !rejected.has(r.deliveryId));
      expect(h.sink.posts.length).toBe(accepted.length - absorbedRepeatRequests(accepted));
      expect(
        await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE lease_owner IS NOT NULL OR (status = 'sending')`),
      ).toEqual({ n: 0 });
      expect(Number((await h.db.one('SELECT count(*) AS n FROM delivery_attempts WHERE finished_at IS NULL'))?.n)).toBe(
        0,
      );
      const leaseExpired = Number(
        (await h.db.one(`SELECT count(*) AS n FROM delivery_attempts WHERE outcome = 'lease_expired'`))?.n,
      );
      const lookups = await h.db.all(
        `SELECT event, count(*) AS n FROM delivery_history WHERE event IN ('lookup_found', 'lookup_absent') GROUP BY event`,
      );
      // At most one send in flight per slot of the worker (16 at once) can be caught by each kill.
      const unconfirmed = counts[SINK_KIND]?.unconfirmed ?? 0;
      expect(unconfirmed).toBeLessThanOrEqual(KILLS * 16);

      process.stdout.write(
        `crash soak (seed ${SEED}, ${ENGINE}): ${KILLS} kills at sink request counts ${killAt.join(', ')}; ` +
          `rows left sending after each kill ${sendingAtKill.join(', ')} (${leaseExpired} attempts ended by lease expiry)\n` +
          `  states by channel: ${JSON.stringify(counts)}\n` +
          `  unconfirmed: ${unconfirmed} (${unconfirmedArrived} had reached the channel, ${unconfirmed - unconfirmedArrived} had not); ` +
          `repeats absorbed by idempotency key: ${absorbedRepeats}; look-ups: ${JSON.stringify(Object.fromEntries(lookups.map((l) => [l.event, Number(l.n)])))}; ` +
          `cancelled ${cancelled.size} (refused ${cancelRefused.length}: already sending or sent); refused by the channel ${REJECTED}\n` +
          `  sink: ${h.sink.requests.length} requests, ${h.sink.posts.length} posts; ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    },
  );
});

/** Requests the sink answered with an earlier post (same idempotency key) instead of publishing again. */
function absorbedRepeatRequests(requests: readonly { idempotencyKey: string | null }[]): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (const r of requests) {
    if (r.idempotencyKey === null) continue;
    if (seen.has(r.idempotencyKey)) repeats++;
    else seen.add(r.idempotencyKey);
  }
  return repeats;
}
