import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, redact, type LogRecord } from '../core/logging/logger.ts';
import { createWorkerOnStore } from '../core/queue/worker-on-store.ts';
import { readsOverPort } from '../core/queue/worker-reads.ts';
import { ThreadStart, ToThread, type FromThread } from '../core/queue/worker-thread-protocol.ts';
import { openStore } from '../core/store/open-store.ts';
import { hostChannelRegistry } from './channel-modules.ts';

/**
 * The queue worker (with the email fan-out) in a `worker_threads` thread of
 * the desktop app or the web host, so a large send never competes with the
 * UI's calls. Started by `core/queue/thread-worker.ts`; it opens its own
 * store connection, asks the host for secrets over a port (the desktop's
 * safeStorage lives only in Electron's main thread), and posts its log
 * records and `delivery.changed` events to the host, which emits them as
 * its own. "stop" finishes the sends in flight and gives back claims, like
 * SIGTERM to `npm run worker`.
 */
const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs only as a worker thread (the app starts it).');

function post(message: FromThread): void {
  port?.postMessage(message);
}

function postLog(record: LogRecord): void {
  try {
    post({ type: 'log', record });
  } catch {
    // Data that cannot be copied to the host (a function, say): the message alone still says what happened.
    post({ type: 'log', record: { ...record, data: '[not copyable]' } });
  }
}

async function main(parent: NonNullable<typeof parentPort>): Promise<void> {
  const start = ThreadStart.parse(workerData);
  const logger = createLogger('thread', postLog);
  const reads = readsOverPort(start.reads, start.readTimeoutMs);
  const channels = await hostChannelRegistry(start.channelModules);
  const db = await openStore(start.store);
  const worker = createWorkerOnStore({
    db,
    channels,
    reads,
    logger: logger.child('queue'),
    onChange: (change) => post({ type: 'delivery.changed', change }),
    onProgress: (deliveryId) => post({ type: 'email.send.progress', deliveryId }),
    tuning: start.tuning,
  });
  let sending = 0;
  const countSends = setInterval(() => {
    if (worker.inFlight() === sending) return;
    sending = worker.inFlight();
    post({ type: 'sending', count: sending });
  }, 200);
  worker.start();
  post({ type: 'ready', workerId: worker.id });

  let stopping: Promise<void> | undefined;
  parent.on('message', (raw: unknown) => {
    if (!ToThread.safeParse(raw).success || stopping) return;
    stopping = (async () => {
      try {
        await worker.stop();
      } finally {
        clearInterval(countSends);
        await db.close();
        post({ type: 'sending', count: 0 });
        post({ type: 'stopped' });
        reads.close();
        // Nothing is left to keep the thread alive once this port closes: it exits with code 0.
        parent.close();
      }
    })();
  });
}

void main(port).catch((error: unknown) => {
  postLog({
    time: new Date().toISOString(),
    level: 'error',
    area: 'thread',
    message: `The queue worker thread could not start: ${String(redact(error instanceof Error ? error.message : String(error)))}`,
  });
  // Ends the thread with a failure code; the host logs it and starts another after a pause.
  process.exit(1);
});
