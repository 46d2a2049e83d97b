import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { channelSecretName } from '../core/channels/adapter.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../core/channels/registry.ts';
import { createLogger, stderrSink, type LogLevel } from '../core/logging/logger.ts';
import { createQueueWorker } from '../core/queue/worker.ts';
import { startEventRelay } from '../core/event-relay.ts';
import { loadChannelModules } from './channel-modules.ts';
import { openNodeStores } from './node-core.ts';

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
    },
  });
  const level = z.enum(['debug', 'info', 'warn', 'error']).parse(values['log-level']) satisfies LogLevel;
  const logger = createLogger('worker', stderrSink(level));
  const channels = createChannelRegistry([
    ...BUILT_IN_CHANNEL_ADAPTERS,
    ...(await loadChannelModules(values['channels-module'] ?? [])),
  ]);
  const { db, secrets } = await openNodeStores({
    dataDir: resolve(values.data),
    databaseUrl: values.database ?? process.env.TOWN_CRIER_DATABASE_URL,
    keyFile: values['key-file'],
  });
  // No UI here, so it only tells the other processes (desktops, web hosts) what it delivered.
  const relay = startEventRelay({ db, logger: logger.child('events') });
  const worker = createQueueWorker({
    db,
    onChange: (change) => relay.publish({ name: 'delivery.changed', payload: change }),
    channels,
    credentials: (targetId, name) => secrets.get(channelSecretName(targetId, name)),
    logger: logger.child('queue'),
    pollMs: positiveInt(values['poll-ms'], 'poll-ms', 1000),
    leaseMs: positiveInt(values['lease-ms'], 'lease-ms', 60_000),
    ...(values.id === undefined ? {} : { id: values.id }),
  });
  worker.start();
  const kinds = channels.kinds();
  process.stdout.write(
    `Town Crier worker ${worker.id} started on ${db.engine} (${db.location}), channels: ${kinds.length > 0 ? kinds.join(', ') : 'none'}\n`,
  );
  const stop = (signal: string) => {
    logger.info('Stopping: finishing the sends in flight', { signal });
    worker
      .stop()
      .then(() => relay.stop())
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
