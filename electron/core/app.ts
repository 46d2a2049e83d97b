import { randomUUID } from 'node:crypto';
import type { CoreEvent } from '../../shared/contract.ts';
import type { Result } from '../../shared/domain/errors.ts';
import { dispatch, type Handlers } from './dispatch.ts';
import { createEventBus, type EventListener } from './events.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { createSettingsHandlers } from './settings/settings-handlers.ts';
import type { SqlDb } from './store/sql.ts';
import { createUpdatesService } from './updates/updates-service.ts';
import { createUpdatesHandlers } from './updates/updates-handlers.ts';
import { createTemplatesService } from './templates/templates-service.ts';
import { createTemplatesHandlers } from './templates/templates-handlers.ts';
import type { ChannelRegistry } from './channels/registry.ts';
import { createQueueHandlers } from './queue/queue-handlers.ts';
import { createMediaService } from './media/media-service.ts';
import { createMediaHandlers } from './media/media-handlers.ts';
import { createCheckHandlers } from './updates/check-handlers.ts';
import { APP_VERSION } from './version.ts';
import { createEmailHandlers } from './email/email-handlers.ts';
import { createFanoutFactory } from './channels/email/services.ts';
import { createUnsubscribeHandler, type UnsubscribeHandler } from './email/unsubscribe-page.ts';
import { createChannelRegistry } from './channels/registry.ts';
import { startHostWorker, type HostWorker, type HostWorkerOptions } from './queue/host-worker.ts';

export type CoreDeps = {
  db: SqlDb;
  settings: SettingsStore;
  secrets: SecretStore;
  logger?: Logger;
  now?: () => Date;
  newId?: () => string;
  /** The channel kinds this host can publish to (the queue's adapters). */
  channels?: ChannelRegistry;
  /**
   * Run the queue worker in this process (the desktop app and the web host do;
   * tests and `--no-worker` do not). `close()` stops it before the store closes.
   */
  worker?: HostWorkerOptions;
};

export interface Core {
  /** Calls a contract method with untrusted input; never throws. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Receives every event the core emits; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** For core code and tests in the same process (not exposed to UIs). */
  readonly services: {
    updates: ReturnType<typeof createUpdatesService>;
    secrets: SecretStore;
    /** `/u/<token>` for the hosts that serve HTTP (the web host; the headless worker builds its own). */
    email: { unsubscribe: UnsubscribeHandler };
  };
  close(): Promise<void>;
}

/**
 * The composition root: wires the services onto their dependencies. It never
 * imports `electron`, so the same core runs in the desktop app, the web host
 * and the headless worker.
 */
export function createCore(deps: CoreDeps): Core {
  const logger = deps.logger ?? createLogger('core');
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const events = createEventBus((error) => logger.error('An event listener failed', { error }));
  const updates = createUpdatesService({ db: deps.db, events, logger: logger.child('updates'), now, newId });
  const templates = createTemplatesService({ db: deps.db, updates, now, newId });
  const channels = deps.channels ?? createChannelRegistry([]);
  const worker: HostWorker | undefined =
    deps.worker === undefined
      ? undefined
      : startHostWorker({
          db: deps.db,
          channels,
          secrets: deps.secrets,
          events,
          logger: logger.child('worker'),
          options: { now, ...deps.worker },
          fanout: createFanoutFactory({ db: deps.db, secrets: deps.secrets, settings: deps.settings }),
        });

  const unsubscribe = createUnsubscribeHandler({
    db: deps.db,
    secrets: deps.secrets,
    organisationName: async () => (await deps.settings.read()).organisationName,
    now,
  });

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Town Crier',
      version: APP_VERSION,
      storage: { engine: deps.db.engine, location: deps.db.location },
    }),
    'app.status': async () => ({ worker: worker?.status() ?? { state: 'off', sending: 0 } }),
    ...createUpdatesHandlers(updates),
    ...createTemplatesHandlers(templates),
    ...createSettingsHandlers({
      settings: deps.settings,
      secrets: deps.secrets,
      events,
      logger: logger.child('settings'),
    }),
    ...createQueueHandlers({
      db: deps.db,
      events,
      logger: logger.child('queue'),
      now,
      newId,
      channels,
      readSettings: () => deps.settings.read(),
    }),
    ...createMediaHandlers(createMediaService({ db: deps.db, logger: logger.child('media'), now })),
    ...createCheckHandlers({ updates, settings: deps.settings }),
    ...createEmailHandlers({ db: deps.db, secrets: deps.secrets, updates, now }),
  };

  return {
    call: (method, input) => dispatch(handlers, method, input, logger),
    subscribe: (listener) => events.subscribe(listener),
    services: { updates, secrets: deps.secrets, email: { unsubscribe } },
    // The worker first: its sends in flight record their outcomes before the store goes.
    close: async () => {
      await worker?.stop();
      await deps.db.close();
    },
  };
}

export type { CoreEvent };
