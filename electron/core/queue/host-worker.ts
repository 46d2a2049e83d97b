import type { AppStatus } from '../../../shared/contracts/app.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb } from '../store/sql.ts';
import { createWorkerOnStore, type WorkerTuning } from './worker-on-store.ts';
import type { WorkerReads } from './worker-reads.ts';

/** The tuning an interactive host may pass to its worker (the wiring comes from the core). */
export type HostWorkerOptions = WorkerTuning;

export type HostWorkerStatus = AppStatus['worker'];

/** The queue worker as an interactive host runs it: started with the core, stopped before the store closes. */
export interface HostWorker {
  status(): HostWorkerStatus;
  /** Finishes the sends in flight and gives back claims not started; safe to call more than once. */
  stop(): Promise<void>;
}

export type HostWorkerDeps = {
  db: SqlDb;
  channels: ChannelRegistry;
  /** Channel secrets, the unsubscribe key and the public address. */
  reads: WorkerReads;
  events: EventBus;
  logger: Logger;
  options: HostWorkerOptions;
};

/**
 * Runs the same worker as `npm run worker` inside the host's own thread (the
 * tests' choice, and `--worker-in-process`; the hosts default to a worker
 * thread, `thread-worker.ts`). It shares the core's event bus, so each change
 * it makes reaches the open windows as `delivery.changed`.
 */
export function startHostWorker(deps: HostWorkerDeps): HostWorker {
  const worker = createWorkerOnStore({
    db: deps.db,
    channels: deps.channels,
    reads: deps.reads,
    logger: deps.logger,
    onChange: (change) => deps.events.emit('delivery.changed', change),
    onProgress: (deliveryId) => deps.events.emit('email.send.progress', { deliveryId }),
    tuning: deps.options,
  });
  let state: HostWorkerStatus['state'] = 'running';
  let stopped: Promise<void> | undefined;
  worker.start();
  return {
    status: () => ({ state, sending: worker.inFlight() }),
    stop() {
      stopped ??= (async () => {
        state = 'stopping';
        await worker.stop();
        state = 'stopped';
      })();
      return stopped;
    },
  };
}
