import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../../shared/contract.ts';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { EVENTS_CHANNEL, startEventRelay } from '../../../electron/core/event-relay.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import { LISTEN_APPLICATION_NAME } from '../../../electron/core/store/postgres.ts';
import type { Engine, SqlDb } from '../../../electron/core/store/sql.ts';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { createScope, ENGINES, eventually, openQueueHarness, sleep, usePostgres } from '../queue/queue-harness.ts';
import type { QueueHarness } from '../queue/queue-harness.ts';
import { killIfRunning, startWorkerProcess, type WorkerProcess } from '../queue/worker-process.ts';
import { callOk, plainBody, type Scope } from '../store/store-suite.ts';

/**
 * Events across processes on one store: core A (with the harness), core B
 * (its own pool on the same store, as a second desktop or web host would
 * have) and, where it matters, a real headless worker process. NOTIFY on
 * PostgreSQL, the outbox table on SQLite.
 */

const postgres = usePostgres();

type Other = { core: Core; events: CoreEvent[]; logs: LogRecord[]; db: SqlDb };

const dropped = (logs: LogRecord[]) => logs.filter((l) => l.message === 'Dropped an event from another process');

/** Sends a raw envelope the way anyone with database access could: NOTIFY, or a row in the outbox. */
async function forge(db: SqlDb, body: string): Promise<void> {
  if (db.engine === 'postgres') await db.run('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, body]);
  else {
    await db.run('INSERT INTO event_outbox (origin, body, created_at) VALUES ($1, $2, $3)', [
      'forger',
      body,
      new Date().toISOString(),
    ]);
  }
}

/** The LISTEN connections that are up (PostgreSQL). */
async function listeners(db: SqlDb): Promise<number[]> {
  const rows = await db.all(
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%' AND state = 'idle'`,
    [LISTEN_APPLICATION_NAME],
  );
  return rows.map((r) => Number(r.pid)).sort();
}

/** Core A (the harness) and core B, both sharing events, with B's listener up. */
async function openTwoCores(scope: Scope, engine: Engine): Promise<{ a: QueueHarness; b: Other }> {
  const a = await openQueueHarness(scope, engine, postgres, { crossProcessEvents: true });
  const db = scope.db(await openStore(a.location));
  const logs: LogRecord[] = [];
  const raw = scope.core(
    createCore({
      db,
      settings: createMemorySettingsStore({ idleLockMinutes: 480 }),
      secrets: createFileSecretStore(join(a.location.dataDir, 'b-secrets.json'), createAesGcmCipher(randomBytes(32))),
      logger: createLogger('b', (record) => logs.push(record)),
      crossProcessEvents: true,
    }),
  );
  const core = await signedIn(raw);
  const events: CoreEvent[] = [];
  core.subscribe((event) => events.push(event));
  if (engine === 'postgres') await eventually('both cores listen', async () => (await listeners(db)).length === 2);
  else await sleep(100); // the first tail reads where the outbox ends
  return { a, b: { core, events, logs, db } };
}

describe.each(ENGINES)('events across processes on $engine', ({ engine }: { engine: Engine }) => {
  let scope = createScope();
  const processes: WorkerProcess[] = [];
  afterEach(async () => {
    processes.splice(0).forEach(killIfRunning);
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  const twoCores = () => openTwoCores(scope, engine);
  it('a delivery sent by the headless worker process reaches the other core as delivery.changed, once', async () => {
    const { a, b } = await twoCores();
    const target = await a.target();
    const worker = await startWorkerProcess(a.location);
    processes.push(worker);
    const id = (await a.publish([target])).deliveries[0]?.id ?? '';

    const delivered = (events: CoreEvent[]) =>
      events.filter((e) => e.name === 'delivery.changed' && e.payload.id === id && e.payload.status === 'delivered');
    await eventually('B hears the worker deliver it', () => delivered(b.events).length === 1, 15_000);
    await eventually('A hears it too', () => delivered(a.events).length === 1, 5_000);
    expect(delivered(b.events)[0]?.payload).toMatchObject({ id, targetId: target.id, status: 'delivered' });

    // A's own publish event reached B, and A itself exactly once (its own envelope dropped).
    const queued = (events: CoreEvent[]) =>
      events.filter((e) => e.name === 'delivery.changed' && e.payload.id === id && e.payload.status === 'queued');
    await sleep(1200);
    expect(queued(a.events)).toHaveLength(1);
    expect(queued(b.events)).toHaveLength(1);
    expect(delivered(b.events)).toHaveLength(1);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  });

  it('an approval in core A reaches core B as review.changed; B does not echo it back', async () => {
    const { a, b } = await twoCores();
    const update = await callOk(a.core, 'updates.create', {
      title: 'Library hours',
      summary: 'Longer on Thursdays',
      body: plainBody('Open until 8pm on Thursdays.'),
    });
    await eventually('B hears the update created', () =>
      b.events.some((e) => e.name === 'update.changed' && e.payload.id === update.id),
    );
    await approveCurrent(a.core, update.id);
    await eventually('B hears the review change', () =>
      b.events.some((e) => e.name === 'review.changed' && e.payload.updateId === update.id),
    );
    const reviews = (events: CoreEvent[]) =>
      events.filter((e) => e.name === 'review.changed' && e.payload.updateId === update.id).length;
    // Submit and approve each emit in A; B hears every one of them, no more.
    await eventually(
      'B has heard every review change',
      () => reviews(a.events) >= 2 && reviews(b.events) === reviews(a.events),
    );
    await sleep(1200);
    expect(reviews(b.events)).toBe(reviews(a.events));
    // B re-emits what it hears only to its own listeners: nothing comes back to A twice.
    expect(a.events.filter((e) => e.name === 'update.changed' && e.payload.id === update.id)).toHaveLength(1);
    expect(b.events.filter((e) => e.name === 'update.changed' && e.payload.id === update.id)).toHaveLength(1);
  });

  it('drops forged, oversized and invalid envelopes with a log line and no event', async () => {
    const { a, b } = await twoCores();
    const secret = 'do-not-log-this-payload';
    const forgedBodies = [
      `not json ${secret}`,
      JSON.stringify({ origin: 'elsewhere', name: 'settings.changed', payload: { secret } }),
      JSON.stringify({ origin: 'elsewhere', name: 'app.command', payload: { command: 'new-update' } }),
      JSON.stringify({ origin: 'elsewhere', name: 'delivery.changed', payload: { id: secret } }),
      JSON.stringify({ origin: 'elsewhere', name: 'review.changed', payload: { updateId: secret } }),
      JSON.stringify({ name: 'review.changed', payload: { updateId: randomUUID() } }),
      JSON.stringify({
        origin: 'elsewhere',
        name: 'review.changed',
        payload: { updateId: randomUUID(), x: secret.repeat(250) },
      }),
    ];
    for (const body of forgedBodies) await forge(a.db, body);
    const marker = randomUUID();
    await forge(a.db, JSON.stringify({ origin: 'elsewhere', name: 'review.changed', payload: { updateId: marker } }));
    await eventually('B hears the genuine envelope after the forged ones', () =>
      b.events.some((e) => e.name === 'review.changed' && e.payload.updateId === marker),
    );
    expect(b.events).toEqual([{ name: 'review.changed', payload: { updateId: marker } }]);
    expect(dropped(b.logs)).toHaveLength(forgedBodies.length);
    expect(dropped(b.logs).map((l) => (l.data as { reason: string }).reason)).toEqual([
      'not JSON',
      'not an envelope of a shared event',
      'not an envelope of a shared event',
      'the delivery.changed payload does not match the contract',
      'the review.changed payload does not match the contract',
      'not an envelope of a shared event',
      'larger than 4096 bytes',
    ]);
    expect(JSON.stringify(b.logs)).not.toContain(secret);
    await eventually('A hears the genuine envelope too', () =>
      a.events.some((e) => e.name === 'review.changed' && e.payload.updateId === marker),
    );
    expect(a.events.filter((e) => e.name === 'review.changed')).toEqual([
      { name: 'review.changed', payload: { updateId: marker } },
    ]);
  });
});

describe('events across processes on postgres, when the connection drops', () => {
  let scope = createScope();
  const engine: Engine = 'postgres';
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const twoCores = () => openTwoCores(scope, engine);

  it('reconnects after its LISTEN connection is killed', async () => {
    const { a, b } = await twoCores();
    const before = await listeners(b.db);
    await b.db.run('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      LISTEN_APPLICATION_NAME,
    ]);
    await eventually('B notices', () =>
      b.logs.some((l) => l.message === 'Lost the connection that hears other processes; reconnecting'),
    );
    await eventually(
      'both listen again, on new connections',
      async () => {
        const now = await listeners(b.db);
        return now.length === 2 && now.every((pid) => !before.includes(pid));
      },
      15_000,
    );
    const update = await callOk(a.core, 'updates.create', {
      title: 'Road closure',
      summary: 'High Street',
      body: plainBody('Closed on Sunday.'),
    });
    await eventually('B hears A again', () =>
      b.events.some((e) => e.name === 'update.changed' && e.payload.id === update.id),
    );

    // Closing a core ends its LISTEN connection: nothing dangles.
    expect(await listeners(a.db)).toHaveLength(2);
    await b.core.close();
    await eventually('only A still listens', async () => (await listeners(a.db)).length === 1);
  });
});

describe('the SQLite outbox', () => {
  const scope = createScope();
  afterEach(() => scope.dispose());

  it('is pruned of old rows, by a publish-only relay (the headless worker) too', async () => {
    const db = scope.db(await openStore({ dataDir: scope.tempDir() }));
    await db.run('INSERT INTO event_outbox (origin, body, created_at) VALUES ($1, $2, $3)', [
      'long gone',
      '{}',
      '2020-01-01T00:00:00.000Z',
    ]);
    const relay = startEventRelay({ db, logger: createLogger('test', () => undefined), keepMs: 60_000 });
    relay.publish({ name: 'review.changed', payload: { updateId: randomUUID() } });
    relay.publish({ name: 'settings.changed', payload: {} as never });
    await relay.stop();
    expect(await db.all('SELECT origin, body FROM event_outbox')).toEqual([
      { origin: relay.origin, body: expect.stringContaining('"name":"review.changed"') as unknown },
    ]);
  });
});
