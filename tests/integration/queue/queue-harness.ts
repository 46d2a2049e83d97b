import { randomBytes, randomUUID } from 'node:crypto';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CoreEvent } from '../../../shared/contract.ts';
import type {
  ChannelTarget,
  Delivery,
  DeliveryChanged,
  DeliveryStatus,
  Publication,
} from '../../../shared/domain/queue.ts';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { channelSecretName } from '../../../electron/core/channels/adapter.ts';
import { createChannelRegistry, type ChannelRegistry } from '../../../electron/core/channels/registry.ts';
import type { SecretStore } from '../../../electron/core/secrets/secret-store.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker, type QueueWorker, type QueueWorkerOptions } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore, type StoreLocation } from '../../../electron/core/store/open-store.ts';
import type { Engine, SqlDb } from '../../../electron/core/store/sql.ts';
import { channelAdapters, SINK_KIND } from '../../support/http-sink-channel.ts';
import { startHttpSink, type HttpSink } from '../../support/http-sink-server.ts';
import { createFreshDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../../support/postgres.ts';
import { callOk, plainBody, type Scope } from '../store/store-suite.ts';

/**
 * The queue on a real store (a SQLite file, or a fresh database on a
 * throwaway PostgreSQL cluster), a real HTTP sink on 127.0.0.1 and the real
 * worker, with short delays so retries take milliseconds, not minutes.
 */

export const ENGINES: { engine: Engine }[] = [{ engine: 'sqlite' }, { engine: 'postgres' }];

/** Fast timings for tests: what changes is how long the waits are, never what the queue does. */
export const FAST: Partial<QueueWorkerOptions> = {
  pollMs: 20,
  leaseMs: 2000,
  backoff: { baseMs: 20, capMs: 100 },
  lookupRetryMs: 100,
  stopGraceMs: 5000,
};

/** One throwaway PostgreSQL cluster per test file, started on first use. */
export function usePostgres(): () => Promise<ThrowawayPostgres> {
  let cluster: Promise<ThrowawayPostgres> | undefined;
  beforeAll(async () => {
    cluster = startThrowawayPostgres();
    await cluster.catch(() => undefined);
  });
  afterAll(async () => {
    await (await cluster?.catch(() => undefined))?.stop();
  });
  return async () => {
    if (!cluster) throw new Error('The PostgreSQL cluster was not started');
    return cluster;
  };
}

export type QueueHarness = {
  engine: Engine;
  core: Core;
  db: SqlDb;
  location: StoreLocation;
  sink: HttpSink;
  scope: Scope;
  logs: LogRecord[];
  events: CoreEvent[];
  changes: DeliveryChanged[];
  /** A worker on this store (its own connection pool on PostgreSQL when `ownPool`), stopped after the test. */
  worker(options?: Partial<QueueWorkerOptions> & { ownPool?: boolean }): Promise<QueueWorker>;
  target(kind?: string, name?: string, settings?: Record<string, unknown>): Promise<ChannelTarget>;
  publish(targets: ChannelTarget[], options?: { title?: string; scheduledAt?: string }): Promise<Publication>;
  delivery(id: string): Promise<Delivery>;
  waitFor(id: string, statuses: DeliveryStatus | DeliveryStatus[], timeoutMs?: number): Promise<Delivery>;
};

export async function openQueueHarness(
  scope: Scope,
  engine: Engine,
  postgres: () => Promise<ThrowawayPostgres>,
  options: {
    newId?: () => string;
    now?: () => Date;
    /** The adapters (default: the HTTP sink kinds). */
    channels?: ChannelRegistry;
    channelTestTimeoutMs?: number;
    crossProcessEvents?: boolean;
    /** Wraps the real secret store (to make it fail, say). */
    wrapSecrets?: (store: SecretStore) => SecretStore;
  } = {},
): Promise<QueueHarness> {
  const { channels: registry, wrapSecrets, ...coreOptions } = options;
  const dataDir = scope.tempDir();
  const location: StoreLocation =
    engine === 'postgres'
      ? { dataDir, databaseUrl: await createFreshDatabase(await postgres(), { prefix: 'queue' }) }
      : { dataDir };
  const db = scope.db(await openStore(location));
  const sink = await startHttpSink();
  const channels = registry ?? createChannelRegistry(channelAdapters);
  const fileSecrets = createFileSecretStore(join(dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const secrets = wrapSecrets ? wrapSecrets(fileSecrets) : fileSecrets;
  const logs: LogRecord[] = [];
  const events: CoreEvent[] = [];
  const changes: DeliveryChanged[] = [];
  const logger = createLogger('test', (record) => logs.push(record));
  const core = await signedIn(
    scope.core(
      createCore({
        db,
        settings: createMemorySettingsStore({ idleLockMinutes: 480 }),
        secrets,
        logger,
        channels,
        ...coreOptions,
      }),
    ),
  );
  core.subscribe((event) => events.push(event));
  const workers: QueueWorker[] = [];
  const sinkStopped = { value: false };
  const originalStop = sink.stop;
  sink.stop = async () => {
    sinkStopped.value = true;
    await originalStop();
  };

  const harness: QueueHarness = {
    engine,
    core,
    db,
    location,
    sink,
    scope,
    logs,
    events,
    changes,
    async worker(workerOptions = {}) {
      const { ownPool, ...rest } = workerOptions;
      const workerDb = ownPool ? await openStore(location) : db;
      const worker = createQueueWorker({
        db: workerDb,
        channels,
        credentials: (targetId, name) => secrets.get(channelSecretName(targetId, name)),
        logger: logger.child('worker'),
        onChange: (change) => changes.push(change),
        ...FAST,
        ...rest,
      });
      workers.push(worker);
      // Registered after the store, so it runs first: the worker stops before its connections close.
      if (ownPool) scope.db({ ...workerDb, close: async () => (await worker.stop(), workerDb.close()) });
      return worker;
    },
    async target(kind = SINK_KIND, name = `Sink ${randomUUID().slice(0, 6)}`, settings = { url: sink.url }) {
      return callOk(core, 'channels.create', { kind, name, settings });
    },
    async publish(targets, opts = {}) {
      const update = await callOk(core, 'updates.create', {
        title: opts.title ?? 'Bin collections change',
        summary: 'From Monday',
        body: plainBody('Green bins are collected on Tuesdays from 6 July.'),
      });
      await approveCurrent(core, update.id);
      return callOk(core, 'queue.publish', {
        updateId: update.id,
        targetIds: targets.map((t) => t.id),
        ...(opts.scheduledAt === undefined ? {} : { scheduledAt: opts.scheduledAt }),
      });
    },
    async delivery(id) {
      const row = await db.one('SELECT publication_id FROM deliveries WHERE id = $1', [id]);
      const detail = await callOk(core, 'queue.get', { publicationId: String(row?.publication_id) });
      const found = detail.deliveries.find((d) => d.id === id);
      if (!found) throw new Error(`No delivery ${id}`);
      return found;
    },
    async waitFor(id, statuses, timeoutMs = 10_000) {
      const wanted = Array.isArray(statuses) ? statuses : [statuses];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await harness.delivery(id);
        if (wanted.includes(current.status)) return current;
        if (Date.now() > deadline) {
          throw new Error(`Delivery ${id} is ${current.status}, not ${wanted.join(' or ')}, after ${timeoutMs} ms`);
        }
        await sleep(20);
      }
    },
  };
  // Stop workers before the store closes (scope cleanups run in reverse order).
  scope.db({
    ...db,
    close: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      if (!sinkStopped.value) await originalStop();
    },
  });
  return harness;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true; fails with `what` after the timeout. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(20);
  }
}

export { callError, callOk, createScope } from '../store/store-suite.ts';
