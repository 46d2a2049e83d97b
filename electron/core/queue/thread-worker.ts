import { MessageChannel, Worker, type ResourceLimits } from 'node:worker_threads';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { StoreLocation } from '../store/open-store.ts';
import type { HostWorker, HostWorkerStatus } from './host-worker.ts';
import { serveWorkerReads, type WorkerReads } from './worker-reads.ts';
import { FromThread, type ThreadStart, type ThreadTuning, type ToThread } from './worker-thread-protocol.ts';

/** How a host runs its queue worker in a `worker_threads` thread (the desktop app's and web host's default). */
export type WorkerThreadConfig = {
  /** The entry file: `electron/hosts/worker-thread.ts`, or `out/main/worker-thread.js` in the desktop build. */
  entry: string | URL;
  /** The same store the host opened; the thread opens its own connection to it. */
  store: StoreLocation;
  /** `--channels-module` files the host loaded; the thread loads them again. */
  channelModules?: readonly string[];
  tuning?: ThreadTuning;
  /** How long the thread waits for an answer to a read (default 10 s). */
  readTimeoutMs?: number;
  /** How long `stop()` waits for the thread to finish before ending it (default: its stop grace + 15 s). */
  stopDeadlineMs?: number;
  /** The pause before starting a crashed thread again: `baseMs` doubling to `capMs` (default 1 s to 60 s). */
  restartBackoff?: { baseMs: number; capMs: number };
  /** Keeps the thread's memory bounded: past this it ends and is started again (default 512 MB old space). */
  resourceLimits?: ResourceLimits;
  /** Tests: every message that crosses either port, as it crosses. */
  observe?: (channel: 'thread' | 'reads', direction: 'in' | 'out', message: unknown) => void;
};

export type ThreadWorkerDeps = {
  config: WorkerThreadConfig;
  reads: WorkerReads;
  events: EventBus;
  logger: Logger;
};

/** The thread-backed worker, with two handles tests use to end the thread abruptly and count its starts. */
export interface ThreadHostWorker extends HostWorker {
  thread(): Worker | undefined;
  /** How many threads have said they are ready. */
  readyCount(): number;
}

const DEFAULT_BACKOFF = { baseMs: 1000, capMs: 60_000 };

/**
 * Runs the queue worker in a thread behind the `HostWorker` interface.
 *
 * - Start: with the host. The thread opens its own store connection and
 *   reads secrets and the public address from this side over a MessagePort.
 * - Events: the thread posts each `delivery.changed`; this side emits it on
 *   the core's bus, so windows (and, through the relay, other processes)
 *   see it as if the worker ran here.
 * - Stop: "stop", then the thread finishes its sends and gives back claims;
 *   past the deadline it is terminated (its leases then expire, as after a kill).
 * - Crash: logged plainly, nothing written to the store (leases expire), and
 *   a new thread started after a pause that doubles with each crash in a row.
 */
export function startThreadWorker(deps: ThreadWorkerDeps): ThreadHostWorker {
  const { config, logger } = deps;
  const backoff = config.restartBackoff ?? DEFAULT_BACKOFF;
  const stopGraceMs = config.tuning?.stopGraceMs ?? 30_000;
  const stopDeadlineMs = config.stopDeadlineMs ?? stopGraceMs + 15_000;
  const threadLogger = logger.child('thread');
  let current: { worker: Worker; exited: Promise<number>; closeReads: () => void; startedAt: number } | undefined;
  let state: HostWorkerStatus['state'] = 'running';
  let sending = 0;
  let crashesInARow = 0;
  let ready = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped: Promise<void> | undefined;

  const onMessage = (raw: unknown) => {
    config.observe?.('thread', 'in', raw);
    const parsed = FromThread.safeParse(raw);
    if (!parsed.success) {
      logger.warn('The queue worker thread sent a message that is not part of the protocol; ignored');
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'log': {
        const { record } = message;
        const area = record.area.replace(/^thread\.?/, '');
        const target = area === '' ? threadLogger : threadLogger.child(area);
        target[record.level](record.message, record.data);
        return;
      }
      case 'delivery.changed':
        deps.events.emit('delivery.changed', message.change);
        return;
      case 'email.send.progress':
        deps.events.emit('email.send.progress', { deliveryId: message.deliveryId });
        return;
      case 'sending':
        sending = message.count;
        return;
      case 'ready':
        ready++;
        if (state !== 'stopping') state = 'running';
        return;
      case 'stopped':
        return;
    }
  };

  function start(): void {
    const channel = new MessageChannel();
    const closeReads = serveWorkerReads(channel.port1, deps.reads, logger, (direction, message) =>
      config.observe?.('reads', direction, message),
    );
    const workerData: ThreadStart = {
      store: {
        dataDir: config.store.dataDir,
        ...(config.store.databaseUrl ? { databaseUrl: config.store.databaseUrl } : {}),
      },
      channelModules: [...(config.channelModules ?? [])],
      tuning: config.tuning ?? {},
      readTimeoutMs: config.readTimeoutMs ?? 10_000,
      reads: channel.port2,
    };
    const worker = new Worker(config.entry, {
      workerData,
      transferList: [channel.port2],
      resourceLimits: config.resourceLimits ?? { maxOldGenerationSizeMb: 512 },
      // Its log records come to this side as messages; its own stdout/stderr go to the host's.
      stdout: false,
      stderr: false,
    });
    const exited = new Promise<number>((done) => worker.once('exit', done));
    const startedAt = Date.now();
    current = { worker, exited, closeReads, startedAt };
    worker.on('message', onMessage);
    worker.on('error', (error) => threadLogger.error('The queue worker thread failed', { error }));
    void exited.then((code) => {
      closeReads();
      if (current?.worker === worker) current = undefined;
      sending = 0;
      if (stopped !== undefined) return;
      // A thread that ran a good while before failing starts its back-off afresh.
      if (Date.now() - startedAt > backoff.capMs) crashesInARow = 0;
      const delay = Math.min(backoff.capMs, backoff.baseMs * 2 ** crashesInARow);
      crashesInARow++;
      state = 'stopped';
      threadLogger.error(
        'The queue worker thread stopped unexpectedly; its claims will be picked up again when their leases expire',
        { exitCode: code, restartInSeconds: delay / 1000 },
      );
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopped === undefined) start();
      }, delay);
    });
  }

  start();
  return {
    status: () => ({ state, sending }),
    thread: () => current?.worker,
    readyCount: () => ready,
    stop() {
      stopped ??= (async () => {
        state = 'stopping';
        if (restartTimer) clearTimeout(restartTimer);
        const running = current;
        if (running) {
          const stop: ToThread = { type: 'stop' };
          config.observe?.('thread', 'out', stop);
          running.worker.postMessage(stop);
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), stopDeadlineMs)));
          const outcome = await Promise.race([running.exited, late]);
          clearTimeout(timer);
          if (outcome === 'late') {
            threadLogger.warn('The queue worker thread did not stop in time; ending it', {
              waitedSeconds: stopDeadlineMs / 1000,
            });
            await running.worker.terminate();
          }
          running.closeReads();
        }
        sending = 0;
        state = 'stopped';
      })();
      return stopped;
    },
  };
}
