import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, stderrSink } from '../core/logging/logger.ts';
import { hostChannelRegistry } from './channel-modules.ts';
import { openNodeCore } from './node-core.ts';
import { startWebServer } from './web-server.ts';

/**
 * `npm run web -- --data <dir> [--port <n>] [--database postgres://…] [--no-worker | --worker-in-process]`:
 * the UI in a browser, on 127.0.0.1 only, with a fresh token each start. It
 * runs the queue worker while open (as the desktop app does) in a worker
 * thread, so a large send does not slow the pages; `--worker-in-process` runs
 * it on the host's own thread instead, and `--no-worker` leaves publishing to
 * a separate `npm run worker`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'town-crier-data' },
      database: { type: 'string' },
      port: { type: 'string' },
      'key-file': { type: 'string' },
      static: { type: 'string' },
      'no-worker': { type: 'boolean', default: false },
      'worker-in-process': { type: 'boolean', default: false },
      'channels-module': { type: 'string', multiple: true },
      'poll-ms': { type: 'string' },
    },
  });
  const pollMs = values['poll-ms'] === undefined ? 1000 : Number(values['poll-ms']);
  if (!Number.isInteger(pollMs) || pollMs <= 0) throw new Error('--poll-ms must be a whole number above 0');
  const channelModules = values['channels-module'] ?? [];
  const channels = await hostChannelRegistry(channelModules);
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const staticDir = resolve(values.static ?? resolve(root, 'out/renderer'));
  const logger = createLogger('web', stderrSink('warn'));
  if (!existsSync(resolve(staticDir, 'index.html'))) {
    throw new Error(`No built renderer in ${staticDir}: run "npm run build" first`);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a number from 0 to 65535');
  const core = await openNodeCore({
    dataDir: resolve(values.data),
    databaseUrl: values.database ?? process.env.TOWN_CRIER_DATABASE_URL,
    keyFile: values['key-file'],
    logger,
    channels,
    worker: !values['no-worker'] && values['worker-in-process'] ? { pollMs } : undefined,
    workerThread:
      values['no-worker'] || values['worker-in-process'] ? undefined : { tuning: { pollMs }, channelModules },
  });
  const server = await startWebServer({ core, staticDir, logger, port, unsubscribe: core.services.email.unsubscribe });
  process.stdout.write(`Town Crier web host: ${server.url}\n`);
  // core.close() stops the worker first (sends in flight finish and record their outcome), then the store.
  const stop = () => {
    void server
      .close()
      .then(() => core.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('The web host did not stop cleanly', { error });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Town Crier web host could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
