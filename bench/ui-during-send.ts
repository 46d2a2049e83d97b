/**
 * `npm run bench -- ui-during-send [--recipients 20000] [--connections 8] --json <file>`:
 * how quickly the UI's calls are answered while the host's own queue worker
 * sends a large email, with the worker on the host's thread ("in-process")
 * and in a worker thread ("thread", the desktop app's and web host's default),
 * in the same run on the same database.
 *
 * For each mode a core is opened the way the hosts open it, an approved
 * update is published to every recipient through the SMTP sink (smtp-server
 * in its own process on loopback), and `queue.list` (50 rows, as the Queue
 * screen asks) is called through `core.call` every 50 ms until the delivery
 * is delivered. The same is measured for 3 s with nothing sending, as the floor.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../electron/core/channels/registry.ts';
import { createSubscribersRepository } from '../electron/core/email/subscribers-repository.ts';
import { createLogger } from '../electron/core/logging/logger.ts';
import { openNodeStores, WORKER_THREAD_ENTRY } from '../electron/hosts/node-core.ts';
import { startSmtpSink } from '../tests/support/smtp-sink.ts';

type Mode = 'in-process' | 'thread';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const summary = (ui: number[]) => ({
  calls: ui.length,
  p50Ms: percentile(ui, 50),
  p95Ms: percentile(ui, 95),
  maxMs: Math.max(...ui),
});

export async function runUiDuringSendBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipients: { type: 'string', default: '20000' },
      connections: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      json: { type: 'string' },
    },
  });
  const recipients = Number(values.recipients);
  const connections = Number(values.connections);
  const rounds = Number(values.rounds);
  const dataDir = mkdtempSync(join(tmpdir(), 'town-crier-bench-ui-'));
  const sink = await startSmtpSink({});
  const admin = { email: 'bench.admin@example.gov.uk', password: 'a long bench password' };
  const approver = { email: 'bench.approver@example.gov.uk', password: 'another long bench password' };
  try {
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ publicBaseUrl: 'https://alerts.example.gov.uk' }));
    const open = async (mode: Mode | 'none'): Promise<Core> => {
      const stores = await openNodeStores({ dataDir });
      return createCore({
        ...stores,
        logger: createLogger('bench', () => undefined),
        channels: createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS),
        ...(mode === 'in-process' ? { worker: { pollMs: 50 } } : {}),
        ...(mode === 'thread'
          ? { workerThread: { entry: WORKER_THREAD_ENTRY, store: { dataDir }, tuning: { pollMs: 50 } } }
          : {}),
      });
    };
    const caller =
      (core: Core, session: string) =>
      async <T>(method: string, input: unknown): Promise<T> => {
        const r = await core.call(method, input, { session });
        if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
        return r.value as T;
      };
    const signIn = async (core: Core, who: typeof admin) => {
      const r = await core.call('auth.signIn', who);
      if (!r.ok) throw new Error(`auth.signIn: ${r.error.message}`);
      return (r.value as { token: string }).token;
    };

    // Set-up, with no worker: people, the list and the channel.
    const setupCore = await open('none');
    const setup = await setupCore.call('auth.setup', { name: 'Bench Admin', ...admin });
    if (!setup.ok) throw new Error(`auth.setup: ${setup.error.message}`);
    const call0 = caller(setupCore, (setup.value as { token: string }).token);
    await call0('people.create', { name: 'Bench Approver', roles: ['approver'], ...approver });
    const { db } = await openNodeStores({ dataDir });
    const repo = createSubscribersRepository({ db });
    const list = await repo.createList({ name: 'Everyone' });
    for (let start = 0; start < recipients; start += 1000) {
      const people = Array.from({ length: Math.min(1000, recipients - start) }, (_, i) => {
        const email = `resident${start + i}@example.org`;
        return { email, emailKey: email, name: `Resident ${start + i}` };
      });
      await db.transaction((tx) =>
        repo.mergeInto(tx, list.id, people, { source: 'bench', at: new Date().toISOString() }),
      );
    }
    await db.close();
    const target = await call0<{ id: string }>('channels.create', {
      kind: 'email.smtp',
      name: 'Everyone',
      settings: {
        host: '127.0.0.1',
        port: sink.port,
        security: 'none',
        fromName: 'Example Council',
        fromAddress: 'alerts@example.gov.uk',
        listIds: [list.id],
        messagesPerSecond: 10_000,
        maxConnections: connections,
      },
    });
    const idleUi: number[] = [];
    for (const started = performance.now(); performance.now() - started < 3000;) {
      const t = performance.now();
      await call0('queue.list', { limit: 50 });
      idleUi.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    await setupCore.close();

    // Each round sends once per mode; the order alternates (A B, B A, …) so neither mode always runs on a cooler machine.
    const runs: { mode: Mode; round: number; ui: number[]; seconds: number }[] = [];
    const order = (round: number): Mode[] => (round % 2 === 0 ? ['in-process', 'thread'] : ['thread', 'in-process']);
    for (let round = 0; round < rounds; round++)
      for (const mode of order(round)) {
        const core = await open(mode);
        const call = caller(core, await signIn(core, admin));
        const approve = caller(core, await signIn(core, approver));
        if (mode === 'thread') {
          while ((core.services.workerThread?.readyCount() ?? 0) === 0) await new Promise((r) => setTimeout(r, 50));
        }
        const update = await call<{ id: string }>('updates.create', {
          title: `Storm warning (${mode}, round ${round + 1})`,
          summary: 'Stay indoors tonight.',
          body: {
            type: 'doc',
            content: Array.from({ length: 8 }, () => ({
              type: 'paragraph',
              content: [
                { type: 'text', text: 'Stay indoors tonight. Check on neighbours who may need help. '.repeat(2) },
              ],
            })),
          },
        });
        const { revision } = await call<{ revision: number }>('updates.get', { id: update.id });
        await call('review.submit', { updateId: update.id, revision });
        await approve('review.approve', { updateId: update.id, revision });
        const acceptedBefore = (await sink.stats()).accepted;
        const started = performance.now();
        const publication = await call<{ id: string }>('queue.publish', {
          updateId: update.id,
          targetIds: [target.id],
        });
        const ui: number[] = [];
        for (;;) {
          const t = performance.now();
          const detail = await call<{ deliveries: { status: string }[] }>('queue.get', {
            publicationId: publication.id,
          });
          const status = detail.deliveries[0]?.status;
          if (status === 'delivered') break;
          if (status === 'failed' || status === 'unconfirmed') throw new Error(`the ${mode} send ended ${status}`);
          const l = performance.now();
          await call('queue.list', { limit: 50 });
          ui.push(performance.now() - l);
          // Between calls, like a person's screen: one list call every 50 ms (plus the status read above).
          await new Promise((r) => setTimeout(r, Math.max(0, 50 - (performance.now() - t))));
        }
        const seconds = (performance.now() - started) / 1000;
        await core.close();
        const accepted = (await sink.stats()).accepted - acceptedBefore;
        if (accepted !== recipients)
          throw new Error(`${mode}: the sink accepted ${accepted} messages, not ${recipients}`);
        runs.push({ mode, round, ui, seconds });
        process.stderr.write(`${mode}, round ${round + 1}: ${JSON.stringify({ ...summary(ui), seconds })}\n`);
      }

    const of = (mode: Mode) => {
      const mine = runs.filter((r) => r.mode === mode);
      const seconds = mine.reduce((a, r) => a + r.seconds, 0) / mine.length;
      return {
        ...summary(mine.flatMap((r) => r.ui)),
        sendSeconds: seconds,
        messagesPerSecond: recipients / seconds,
        rounds: mine.map((r) => ({ round: r.round + 1, ...summary(r.ui), sendSeconds: r.seconds })),
      };
    };
    const inProcess = of('in-process');
    const thread = of('thread');
    const result = {
      benchmark: 'UI call during an email send: worker in-process vs in a worker thread',
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, loadAverage1m: loadavg()[0] },
      recipients,
      connections,
      idle: summary(idleUi),
      inProcess,
      thread,
      p95Ratio: thread.p95Ms / inProcess.p95Ms,
      target: { threadP95Ms: 50 },
      met: { threadP95Ms: thread.p95Ms <= 50 },
      notes:
        'One SQLite database (WAL) for both modes; the SMTP sink (smtp-server) in its own process on 127.0.0.1. ' +
        'UI call: queue.list (50 rows) through core.call on the host, once every 50 ms until the delivery is delivered; ' +
        "each round sends once per mode, the order alternating; the figures pool every round's calls. " +
        '"idle": the same call for 3 s with no worker. In-process: the worker shares the host thread (what the desktop ' +
        'app and web host did before); thread: electron/hosts/worker-thread.ts in a worker_threads thread with its own connection.',
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
