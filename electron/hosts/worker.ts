import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLogger, stderrSink, type LogLevel } from '../core/logging/logger.ts';
import { createWorkerOnStore } from '../core/queue/worker-on-store.ts';
import { readsFromStores } from '../core/queue/worker-reads.ts';
import { startEventRelay } from '../core/event-relay.ts';
import { hostChannelRegistry } from './channel-modules.ts';
import { openNodeStores } from './node-core.ts';
import { createUnsubscribeHandler } from '../core/email/unsubscribe-page.ts';
import { startUnsubscribeServer } from './unsubscribe-server.ts';

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a whole number above 0`);
  return n;
}

/**
 * `npm run worker -- --data <dir> | --database <postgres-url>`: the always-on
 * publisher. It sends what is due (scheduled updates too) while every desktop
 * is shut. SIGTERM or SIGINT finishes the sends in flight, gives back claims
 * not yet started and exits 0. One line on stdout when started; logs on stderr.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'town-crier-data' },
      database: { type: 'string' },
      'key-file': { type: 'string' },
      'channels-module': { type: 'string', multiple: true },
      'poll-ms': { type: 'string' },
      'lease-ms': { type: 'string' },
      id: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'http-port': { type: 'string' },
      'http-host': { type: 'string', default: '127.0.0.1' },
    },
  });
  const level = z.enum(['debug', 'info', 'warn', 'error']).parse(values['log-level']) satisfies LogLevel;
  const logger = createLogger('worker', stderrSink(level));
  const channels = await hostChannelRegistry(values['channels-module'] ?? []);
  const { db, secrets, settings } = await openNodeStores({
    dataDir: resolve(values.data),
    databaseUrl: values.database ?? process.env.TOWN_CRIER_DATABASE_URL,
    keyFile: values['key-file'],
  });
  // No UI here, so it only tells the other processes (desktops, web hosts) what it delivered.
  const relay = startEventRelay({ db, logger: logger.child('events') });
  const worker = createWorkerOnStore({
    db,
    channels,
    reads: readsFromStores(secrets, settings),
    logger: logger.child('queue'),
    onChange: (change) => relay.publish({ name: 'delivery.changed', payload: change }),
    onProgress: (deliveryId) => relay.publish({ name: 'email.send.progress', payload: { deliveryId } }),
    tuning: {
      pollMs: positiveInt(values['poll-ms'], 'poll-ms', 1000),
      leaseMs: positiveInt(values['lease-ms'], 'lease-ms', 60_000),
      ...(values.id === undefined ? {} : { id: values.id }),
    },
  });
  worker.start();
  // Unsubscribe links (`/u/<token>`) when this worker is the council's always-on host behind its proxy.
  const httpPort = values['http-port'] === undefined ? undefined : Number(values['http-port']);
  if (httpPort !== undefined && (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535)) {
    throw new Error('--http-port must be a number from 0 to 65535');
  }
  const http =
    httpPort === undefined
      ? undefined
      : await startUnsubscribeServer({
          handler: createUnsubscribeHandler({
            db,
            secrets,
            organisationName: async () => (await settings.read()).organisationName,
          }),
          port: httpPort,
          host: values['http-host'],
          logger: logger.child('unsubscribe'),
        });
  const kinds = channels.kinds();
  process.stdout.write(
    `Town Crier worker ${worker.id} started on ${db.engine} (${db.location}), channels: ${kinds.length > 0 ? kinds.join(', ') : 'none'}${http ? `, unsubscribe links on ${http.url}` : ''}\n`,
  );
  const stop = (signal: string) => {
    logger.info('Stopping: finishing the sends in flight', { signal });
    Promise.all([worker.stop().then(() => relay.stop()), http?.close()])
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('The worker did not stop cleanly', { error });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Town Crier worker could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
