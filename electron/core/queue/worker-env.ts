import type { ChannelTarget, DeliveryChanged } from '../../../shared/domain/queue.ts';
import type { ChannelAdapter, ChannelContext } from '../channels/adapter.ts';
import type { FanoutFactory } from '../channels/email/services.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb } from '../store/sql.ts';
import type { StepContext } from './apply-event.ts';
import type { BackoffPolicy } from './backoff.ts';
import { retryDelay } from './backoff.ts';
import type { QueuePolicy } from './delivery-state.ts';

/** What the parts of a worker share: its identity, its clock and its wiring. */
export type WorkerEnv = {
  id: string;
  db: SqlDb;
  channels: ChannelRegistry;
  logger: Logger;
  now: () => Date;
  random: () => number;
  fetch: typeof fetch;
  credentials: (targetId: string, name: string) => Promise<string | undefined>;
  fanout?: FanoutFactory;
  leaseMs: number;
  lookupRetryMs: number;
  backoff: BackoffPolicy;
  policy: QueuePolicy;
  /** Aborted when a stopping worker's grace period runs out. */
  stopSignal: AbortSignal;
  isStopping(): boolean;
  emit(change: DeliveryChanged): void;
};

/** The step context for the worker's own transitions. */
export function workerStep(env: WorkerEnv, adapter: ChannelAdapter | undefined, now: Date): StepContext {
  return {
    now,
    actor: `worker:${env.id}`,
    policy: env.policy,
    delayFor: (attempt, minMs) => retryDelay(attempt, minMs, env.random, env.backoff),
    canLookup: adapter?.lookup !== undefined,
  };
}

/** The context an adapter gets for one call on one target. */
export function channelContext(
  env: WorkerEnv,
  target: ChannelTarget,
  adapter: ChannelAdapter,
  settings: unknown,
  signal: AbortSignal,
): ChannelContext<unknown> {
  return {
    target: { id: target.id, name: target.name },
    settings,
    credentials: (name) => env.credentials(target.id, name),
    fetch: env.fetch,
    logger: env.logger.child(adapter.kind),
    now: env.now,
    signal,
  };
}

export const isoAfter = (from: Date, ms: number) => new Date(from.getTime() + ms).toISOString();

/** Retries a database write a few times, so a short outage does not leave a send's outcome unrecorded. */
export async function withRetries<T>(what: string, logger: Logger, fn: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= tries) throw error;
      logger.warn(`Could not ${what}; trying again`, { attempt, error });
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
