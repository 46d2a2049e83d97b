import type { AppStatus } from '../../../shared/contracts/app.ts';
import { channelSecretName } from '../channels/adapter.ts';
import type { FanoutFactory } from '../channels/email/services.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { SqlDb } from '../store/sql.ts';
import { createQueueWorker, type QueueWorkerOptions } from './worker.ts';

/** The tuning an interactive host may pass to its worker (the wiring comes from the core). */
export type HostWorkerOptions = Omit<
  QueueWorkerOptions,
  'db' | 'channels' | 'credentials' | 'logger' | 'onChange' | 'fanout'
>;

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
  secrets: SecretStore;
  events: EventBus;
  logger: Logger;
  options: HostWorkerOptions;
  /** Email recipients and unsubscribe key for the email channel. */
  fanout?: FanoutFactory;
};

/**
 * Runs the same worker as `npm run worker` inside the desktop app or the web
 * host. It shares the core's event bus, so each change it makes reaches the
 * open windows as `delivery.changed`, exactly like a person's action does.
 */
export function startHostWorker(deps: HostWorkerDeps): HostWorker {
  const worker = createQueueWorker({
    ...deps.options,
    db: deps.db,
    channels: deps.channels,
    credentials: (targetId, name) => deps.secrets.get(channelSecretName(targetId, name)),
    logger: deps.logger,
    onChange: (change) => deps.events.emit('delivery.changed', change),
    ...(deps.fanout ? { fanout: deps.fanout } : {}),
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
