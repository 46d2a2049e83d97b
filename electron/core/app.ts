import { randomUUID } from 'node:crypto';
import type { CoreEvent } from '../../shared/contract.ts';
import type { Result } from '../../shared/domain/errors.ts';
import { dispatch, type CallMeta, type Handlers } from './dispatch.ts';
import { createAuditLog, type AuditLog } from './audit/audit-log.ts';
import { createAuditHandlers } from './audit/audit-handlers.ts';
import { createPeopleService, type PeopleService } from './people/people-service.ts';
import { createPeopleHandlers } from './people/people-handlers.ts';
import { createReviewService, type ReviewService } from './review/review-service.ts';
import { createReviewHandlers } from './review/review-handlers.ts';
import { createEventBus, type EventBus, type EventListener } from './events.ts';
import { startEventRelay, type EventRelay } from './event-relay.ts';
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
import { emailAuditHook, guardEmailHandlers } from './email/email-access.ts';
import { createUnsubscribeHandler, type UnsubscribeHandler } from './email/unsubscribe-page.ts';
import { createChannelRegistry } from './channels/registry.ts';
import { startHostWorker, type HostWorker, type HostWorkerOptions } from './queue/host-worker.ts';
import { startThreadWorker, type ThreadHostWorker, type WorkerThreadConfig } from './queue/thread-worker.ts';
import { readsFromStores } from './queue/worker-reads.ts';
import { describeDelivery, type DeliveryDescription } from './queue/describe-delivery.ts';

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
  /**
   * Run the queue worker in a `worker_threads` thread instead (the desktop app
   * and the web host do by default), so a large email send never competes
   * with the UI's calls. Ignored when `worker` is set.
   */
  workerThread?: WorkerThreadConfig;
  /**
   * Share events with the other processes on the same store (NOTIFY on
   * PostgreSQL, the outbox table on SQLite). The hosts turn it on; tests that
   * count one core's events leave it off. `close()` stops it.
   */
  crossProcessEvents?: boolean;
  /** How long "Test connection" waits for a channel (default 20 s; tests shorten it). */
  channelTestTimeoutMs?: number;
};

export interface Core {
  /**
   * Calls a contract method with untrusted input; never throws. `meta.session`
   * is the token from signing in: every method except the public ones needs it.
   */
  call(method: string, input: unknown, meta?: CallMeta): Promise<Result<unknown>>;
  /** Receives every event the core emits; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** For core code and tests in the same process (not exposed to UIs). */
  readonly services: {
    updates: ReturnType<typeof createUpdatesService>;
    secrets: SecretStore;
    people: PeopleService;
    review: ReviewService;
    audit: AuditLog;
    /** `/u/<token>` for the hosts that serve HTTP (the web host; the headless worker builds its own). */
    email: { unsubscribe: UnsubscribeHandler };
    /** The worker thread, when the core runs one (tests end it abruptly to check the restart). */
    workerThread?: ThreadHostWorker;
    /** Channel name and title of a delivery, for the desktop app's system notifications. */
    deliveries: { describe(deliveryId: string): Promise<DeliveryDescription | undefined> };
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
  const bus = createEventBus((error) => logger.error('An event listener failed', { error }));
  const relay: EventRelay | undefined = deps.crossProcessEvents
    ? startEventRelay({
        db: deps.db,
        logger: logger.child('events'),
        onEvent: (event) => bus.emit(event.name, event.payload),
      })
    : undefined;
  // Services emit after their transaction commits; the relay passes the same event on to other processes.
  const events: EventBus = {
    emit(name, payload) {
      bus.emit(name, payload);
      relay?.publish({ name, payload } as CoreEvent);
    },
    subscribe: (listener) => bus.subscribe(listener),
  };
  const audit = createAuditLog({ now });
  const readSettings = () => deps.settings.read();
  const people = createPeopleService({
    db: deps.db,
    audit,
    logger: logger.child('people'),
    now,
    newId,
    idleLockMinutes: async () => (await readSettings()).idleLockMinutes,
  });
  const review = createReviewService({
    db: deps.db,
    audit,
    events,
    logger: logger.child('review'),
    now,
    newId,
    readSettings,
  });
  const updates = createUpdatesService({
    db: deps.db,
    events,
    logger: logger.child('updates'),
    now,
    newId,
    audit,
    onEdited: review.onEdited,
    afterEdited: review.announce,
  });
  const templates = createTemplatesService({ db: deps.db, updates, now, newId });
  const channels = deps.channels ?? createChannelRegistry([]);
  const workerReads = readsFromStores(deps.secrets, deps.settings);
  const workerThread: ThreadHostWorker | undefined =
    deps.worker === undefined && deps.workerThread !== undefined
      ? startThreadWorker({ config: deps.workerThread, reads: workerReads, events, logger: logger.child('worker') })
      : undefined;
  const worker: HostWorker | undefined =
    deps.worker === undefined
      ? workerThread
      : startHostWorker({
          db: deps.db,
          channels,
          reads: workerReads,
          events,
          logger: logger.child('worker'),
          options: { now, ...deps.worker },
        });

  const emailAudit = emailAuditHook(audit);
  const unsubscribe = createUnsubscribeHandler({
    db: deps.db,
    secrets: deps.secrets,
    organisationName: async () => (await deps.settings.read()).organisationName,
    now,
    audit: emailAudit,
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
      db: deps.db,
      audit,
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
      readSettings,
      audit,
      secrets: deps.secrets,
      channelTestTimeoutMs: deps.channelTestTimeoutMs,
    }),
    ...createMediaHandlers(createMediaService({ db: deps.db, logger: logger.child('media'), now })),
    ...createCheckHandlers({ db: deps.db, updates, settings: deps.settings }),
    ...createPeopleHandlers(people),
    ...createReviewHandlers(review),
    ...createAuditHandlers(deps.db, audit),
    ...guardEmailHandlers(
      createEmailHandlers({ db: deps.db, secrets: deps.secrets, updates, now, audit: emailAudit, events }),
    ),
  };

  return {
    call: (method, input, meta) =>
      dispatch(handlers, method, input, logger, (token) => people.authenticate(token), meta),
    subscribe: (listener) => events.subscribe(listener),
    services: {
      updates,
      secrets: deps.secrets,
      people,
      review,
      audit,
      email: { unsubscribe },
      ...(workerThread ? { workerThread } : {}),
      deliveries: { describe: (deliveryId) => describeDelivery(deps.db, deliveryId) },
    },
    // The worker first: its sends in flight record their outcomes (and announce them) before the store goes.
    close: async () => {
      await worker?.stop();
      await relay?.stop();
      await deps.db.close();
    },
  };
}

export type { CoreEvent };
