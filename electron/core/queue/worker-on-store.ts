import { channelSecretName } from '../channels/adapter.ts';
import { fanoutFactoryFromReads } from '../channels/email/services.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb } from '../store/sql.ts';
import type { DeliveryChanged } from '../../../shared/domain/queue.ts';
import { createQueueWorker, type QueueWorker, type QueueWorkerOptions } from './worker.ts';
import type { WorkerReads } from './worker-reads.ts';

/** The tuning a host may pass to its worker (the wiring comes from `createWorkerOnStore`). */
export type WorkerTuning = Omit<
  QueueWorkerOptions,
  'db' | 'channels' | 'credentials' | 'logger' | 'onChange' | 'fanout'
>;

/**
 * The queue worker with the email fan-out, wired the one way every host runs
 * it (in-process, `npm run worker`, a worker thread): channel credentials and
 * the unsubscribe key by name through `reads`, recipients on `db`.
 */
export function createWorkerOnStore(deps: {
  db: SqlDb;
  channels: ChannelRegistry;
  reads: WorkerReads;
  logger: Logger;
  onChange: (change: DeliveryChanged) => void;
  /** An email send's counts moved (at most twice a second a send): announced as `email.send.progress`. */
  onProgress?: (deliveryId: string) => void;
  tuning: WorkerTuning;
}): QueueWorker {
  return createQueueWorker({
    ...deps.tuning,
    db: deps.db,
    channels: deps.channels,
    credentials: (targetId, name) => deps.reads.secret(channelSecretName(targetId, name)),
    logger: deps.logger,
    onChange: deps.onChange,
    fanout: fanoutFactoryFromReads(deps.db, deps.reads, deps.onProgress),
  });
}
