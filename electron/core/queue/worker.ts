import { randomUUID } from 'node:crypto';
import { lapseUnapproved } from './lapse.ts';
import { removeUnusedMedia } from '../media/media-cleanup.ts';
import { hostname } from 'node:os';
import type { FanoutFactory } from '../channels/email/services.ts';
import type { ChannelTarget, DeliveryChanged } from '../../../shared/domain/queue.ts';
import type { ChannelAdapter } from '../channels/adapter.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb } from '../store/sql.ts';
import { applyDeliveryEvent } from './apply-event.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { createDeliveryRepository } from './delivery-repository.ts';
import { DEFAULT_QUEUE_POLICY, type QueuePolicy } from './delivery-state.ts';
import { reapExpiredLeases, runDueLookups } from './lease-reaper.ts';
import { createQueueRepository } from './queue-repository.ts';
import { createTokenBucket, type TokenBucket } from './rate-limiter.ts';
import { runSendJob, type SendJob } from './send-job.ts';
import { isoAfter, workerStep, type WorkerEnv } from './worker-env.ts';

export type QueueWorkerOptions = {
  db: SqlDb;
  channels: ChannelRegistry;
  /** A target's secret by name (the secret store, scoped to the target). */
  credentials: (targetId: string, name: string) => Promise<string | undefined>;
  logger: Logger;
  now?: () => Date;
  /** [0, 1); seeded in tests. */
  random?: () => number;
  fetch?: typeof fetch;
  id?: string;
  /** How long a claim lasts without renewal; renewed every third of it while a send runs. */
  leaseMs?: number;
  /** How often the queue is checked when nothing wakes the worker sooner. */
  pollMs?: number;
  /** Most sends at once over all targets (each target also has its adapter's own limit). */
  maxConcurrent?: number;
  backoff?: BackoffPolicy;
  policy?: QueuePolicy;
  lookupRetryMs?: number;
  /** How long `stop()` lets sends in flight run before aborting them (they then end as unknown outcomes). */
  stopGraceMs?: number;
  onChange?: (change: DeliveryChanged) => void;
  /** Services for fan-out channels (email recipients, unsubscribe key); absent, email cannot send. */
  fanout?: FanoutFactory;
  /** How often unused images are removed (media-cleanup.ts): at the first pass, then this often. Default 1 hour. */
  mediaCleanupEveryMs?: number;
};

export interface QueueWorker {
  readonly id: string;
  /** Starts polling; the loop runs until `stop()`. */
  start(): void;
  /** One pass (reap expired leases, due look-ups, claims); sends it starts keep running. Returns the sends started. */
  runOnce(): Promise<number>;
  /** Resolves when no send is in flight. */
  drain(): Promise<void>;
  /** Finishes sends in flight, gives back claims not yet started, and resolves. */
  stop(): Promise<void>;
  inFlight(): number;
}

/** How often the worker looks for scheduled publications whose approval did not come in time. */
const LAPSE_SWEEP_MS = 1000;

/**
 * The publisher: claims due deliveries with a lease, sends them through their
 * channel adapters within per-target concurrency and rate limits, and records
 * each outcome through the delivery state machine. Any number of workers can
 * share one database; see docs/architecture.md § Queue.
 */
export function createQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? 1000;
  const maxConcurrent = options.maxConcurrent ?? 16;
  const stopController = new AbortController();
  let stopping = false;
  const env: WorkerEnv = {
    id: options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    db: options.db,
    channels: options.channels,
    logger: options.logger,
    now,
    random: options.random ?? Math.random,
    fetch: options.fetch ?? globalThis.fetch,
    credentials: options.credentials,
    ...(options.fanout ? { fanout: options.fanout } : {}),
    leaseMs: options.leaseMs ?? 60_000,
    lookupRetryMs: options.lookupRetryMs ?? 60_000,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    policy: options.policy ?? DEFAULT_QUEUE_POLICY,
    stopSignal: stopController.signal,
    isStopping: () => stopping,
    emit: (change) => {
      try {
        options.onChange?.(change);
      } catch (error) {
        options.logger.error('A delivery listener failed', { error });
      }
    },
  };
  const inflight = new Map<string, Promise<void>>();
  const perTarget = new Map<string, number>();
  const buckets = new Map<string, TokenBucket>();
  let lastLapseSweep = Number.NEGATIVE_INFINITY;
  let loop: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** Set when a send finishes during a pass, so the loop looks again at once instead of sleeping. */
  let woken = false;
  const poke = () => {
    woken = true;
    wake?.();
  };
  const mediaCleanupEveryMs = options.mediaCleanupEveryMs ?? 60 * 60 * 1000;
  let nextMediaCleanup = 0;

  /** Removes unused images when it is time: a failure is logged and tried again next time, never stops sending. */
  async function cleanUpMediaIfDue(): Promise<void> {
    const time = now().getTime();
    if (time < nextMediaCleanup) return;
    nextMediaCleanup = time + mediaCleanupEveryMs;
    try {
      await removeUnusedMedia({ db: options.db, now, logger: options.logger });
    } catch (error) {
      options.logger.error('Unused images could not be removed; the worker will try again later', { error });
    }
  }

  const bucketFor = (target: ChannelTarget, adapter: ChannelAdapter) => {
    let bucket = buckets.get(target.id);
    if (!bucket) {
      const { burst, perSecond } = adapter.sendLimits;
      bucket = createTokenBucket({ capacity: burst, refillPerSecond: perSecond, now: () => now().getTime() });
      buckets.set(target.id, bucket);
    }
    return bucket;
  };

  /** Claims up to `limit` due deliveries of one target: `sending`, attempt count and attempt row, all before any send. */
  async function claim(target: ChannelTarget, adapter: ChannelAdapter, limit: number) {
    const time = now();
    const lease = { owner: env.id, expiresAt: isoAfter(time, env.leaseMs) };
    const step = workerStep(env, adapter, time);
    return options.db.transaction(async (tx) => {
      const repo = createDeliveryRepository(tx);
      const claimed: SendJob['record'][] = [];
      const changes: DeliveryChanged[] = [];
      for (const due of await repo.selectDue(target.id, time.toISOString(), limit)) {
        let record = due;
        if (record.status !== 'queued') {
          const made = await applyDeliveryEvent(tx, record, { type: 'due' }, step);
          if (!made.ok) continue;
          record = made.record;
        }
        const taken = await applyDeliveryEvent(tx, record, { type: 'claim' }, { ...step, lease });
        if (!taken.ok) continue;
        await repo.insertAttempt({
          deliveryId: record.id,
          attempt: taken.record.attempts,
          worker: env.id,
          startedAt: time.toISOString(),
        });
        claimed.push(taken.record);
        changes.push(taken.change);
      }
      return { claimed, changes };
    });
  }

  function launch(job: SendJob): void {
    perTarget.set(job.target.id, (perTarget.get(job.target.id) ?? 0) + 1);
    const running = runSendJob(env, job)
      .catch((error: unknown) =>
        env.logger.error('A send could not be completed', { deliveryId: job.record.id, error }),
      )
      .finally(() => {
        perTarget.set(job.target.id, (perTarget.get(job.target.id) ?? 1) - 1);
        inflight.delete(job.record.id);
        poke();
      });
    inflight.set(job.record.id, running);
  }

  async function runOnce(): Promise<number> {
    if (stopping) return 0;
    await reapExpiredLeases(env);
    // The lapse sweep reads every pending publication; once a second is soon enough (the claim never sends a
    // pending publication, so a lapse a moment late sends nothing), and a busy worker passes many times a second.
    const time = now().getTime();
    if (!(Math.abs(time - lastLapseSweep) < LAPSE_SWEEP_MS)) {
      lastLapseSweep = time;
      await lapseUnapproved(env);
    }
    await cleanUpMediaIfDue();
    const targets = await createQueueRepository(options.db).listTargets();
    await runDueLookups(env, new Map(targets.map((t) => [t.id, t])));
    let started = 0;
    for (const target of targets) {
      const adapter = options.channels.get(target.kind);
      if (!adapter || stopping) continue;
      const bucket = bucketFor(target, adapter);
      const free = Math.min(
        adapter.sendLimits.concurrency - (perTarget.get(target.id) ?? 0),
        maxConcurrent - inflight.size,
        bucket.available(),
      );
      if (free <= 0) continue;
      const { claimed, changes } = await claim(target, adapter, free);
      changes.forEach(env.emit);
      for (const record of claimed) {
        bucket.tryTake();
        launch({ record, target, adapter, bucket });
        started++;
      }
    }
    return started;
  }

  async function run(): Promise<void> {
    while (!stopping) {
      woken = false;
      try {
        await runOnce();
      } catch (error) {
        env.logger.error('The worker could not read the queue; it will try again', { error });
      }
      if (stopping) break;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  const drain = async () => {
    while (inflight.size > 0) await Promise.allSettled([...inflight.values()]);
  };

  return {
    id: env.id,
    start() {
      if (loop || stopping) return;
      env.logger.info('Queue worker started', { worker: env.id, pollMs, leaseMs: env.leaseMs });
      loop = run();
    },
    runOnce,
    drain,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        poke();
        await loop;
        const grace = setTimeout(() => stopController.abort(), options.stopGraceMs ?? 30_000);
        await drain();
        clearTimeout(grace);
        env.logger.info('Queue worker stopped', { worker: env.id });
      })();
      return stopped;
    },
    inFlight: () => inflight.size,
  };
}
