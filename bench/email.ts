/**
 * `npm run bench -- email --recipients 100000 --json <file>`: the email
 * fan-out against an SMTP sink in its own process on loopback.
 *
 *   (a) baseline: the same pipelining SMTP client sending one prebuilt
 *       message to every recipient over the same number of connections,
 *       with no database, rendering or per-recipient work;
 *   (b) the app: the headless worker process (`electron/hosts/worker.ts`)
 *       claims the delivery, renders, snapshots the recipients, builds each
 *       message, sends and records every status.
 *
 * While (b) runs, this process calls the core (`queue.list`, as the Queue
 * screen does) on the same database every 50 ms and reports the p95. The
 * worker's peak RSS (VmHWM) and CPU time come from /proc. Optionally a CSV
 * import of `--import-rows` rows with 1% bad measures memory growth.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../electron/core/app.ts';
import { createChannelRegistry, BUILT_IN_CHANNEL_ADAPTERS } from '../electron/core/channels/registry.ts';
import { openSmtp } from '../electron/core/channels/email/smtp-client.ts';
import { buildSharedMessage, recipientMessage } from '../electron/core/channels/email/message.ts';
import { importSubscribers } from '../electron/core/email/subscriber-import.ts';
import { createSubscribersRepository } from '../electron/core/email/subscribers-repository.ts';
import { createLogger } from '../electron/core/logging/logger.ts';
import { openNodeStores } from '../electron/hosts/node-core.ts';
import { startSmtpSink } from '../tests/support/smtp-sink.ts';
import { startWorkerProcess } from '../tests/integration/queue/worker-process.ts';
import { benchPeople } from './bench-people.ts';

const CLOCK_TICKS = 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function procStatus(pid: number): { peakRssMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { peakRssMb: hwm / 1024, cpuMs: (ticks / CLOCK_TICKS) * 1000 };
}

async function baseline(port: number, recipients: number, connections: number): Promise<number> {
  const shared = buildSharedMessage({
    subject: 'Storm warning',
    text: `${'Stay indoors tonight. '.repeat(40)}\nUnsubscribe: {{unsubscribe_url}}\n`,
    html: `<p>${'Stay indoors tonight. '.repeat(40)}</p><a href="{{unsubscribe_url}}">Unsubscribe</a>\n`,
    from: { address: 'alerts@example.gov.uk', name: 'Example Council' },
    listId: { name: 'Bench', id: 'bench.example.gov.uk' },
    date: new Date(),
  });
  const message = recipientMessage(shared, {
    to: { address: 'someone@example.org', name: null },
    messageId: '<bench@example.gov.uk>',
    unsubscribeUrl: 'https://alerts.example.gov.uk/u/prebuilt',
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const conn = await openSmtp({ host: '127.0.0.1', port, security: 'none', clientName: 'bench.example.gov.uk' });
      while (next < recipients) {
        const i = next++;
        const env = await conn.envelope('alerts@example.gov.uk', `resident${i}@example.org`);
        if (env.data?.code !== 354) throw new Error(`baseline refused: ${JSON.stringify(env)}`);
        conn.data(message);
        const reply = await conn.end();
        if (reply.code !== 250) throw new Error(`baseline refused: ${reply.code}`);
      }
      await conn.quit();
    }),
  );
  return performance.now() - started;
}

async function importMemory(rows: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'town-crier-bench-import-'));
  try {
    const { db } = await openNodeStores({ dataDir: dir });
    const repo = createSubscribersRepository({ db });
    const list = await repo.createList({ name: 'Import' });
    const file = join(dir, 'subscribers.csv');
    const out = createWriteStream(file);
    out.write('email,name\n');
    for (let i = 1; i <= rows; i++) {
      const line = i % 100 === 0 ? `bad-address-${i},Bad\n` : `person${i}@example.org,Person ${i}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const started = performance.now();
    const report = await importSubscribers({ db, repo }, file, {
      listId: list.id,
      consentSource: 'bench',
      consentAt: new Date().toISOString(),
    });
    const ms = performance.now() - started;
    clearInterval(timer);
    await db.close();
    if (report.badRows !== rows / 100) throw new Error(`import report wrong: ${report.badRows} bad rows`);
    return {
      rows,
      badRows: report.badRows,
      seconds: ms / 1000,
      rowsPerSecond: rows / (ms / 1000),
      heapGrowthMb: (peakHeap - before.heapUsed) / 2 ** 20,
      rssGrowthMb: (peakRss - before.rss) / 2 ** 20,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runEmailBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipients: { type: 'string', default: '100000' },
      connections: { type: 'string', default: '8' },
      json: { type: 'string' },
      'import-rows': { type: 'string', default: '200000' },
    },
  });
  const recipients = Number(values.recipients);
  const connections = Number(values.connections);
  const dataDir = mkdtempSync(join(tmpdir(), 'town-crier-bench-email-'));
  const sink = await startSmtpSink({});
  try {
    // (a) the raw baseline.
    const baselineMs = await baseline(sink.port, recipients, connections);
    process.stderr.write(`baseline: ${recipients} in ${(baselineMs / 1000).toFixed(1)} s\n`);

    // (b) the app's full path, in the headless worker process.
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ publicBaseUrl: 'https://alerts.example.gov.uk' }));
    const { db, settings, secrets } = await openNodeStores({ dataDir });
    const core = createCore({
      db,
      settings,
      secrets,
      logger: createLogger('bench', () => undefined),
      channels: createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS),
    });
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
    const { call, approverSession } = await benchPeople(core);
    const target = await call<{ id: string }>('channels.create', {
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
    const update = await call<{ id: string }>('updates.create', {
      title: 'Storm warning',
      summary: 'Stay indoors tonight.',
      body: {
        type: 'doc',
        content: Array.from({ length: 8 }, () => ({
          type: 'paragraph',
          content: [{ type: 'text', text: 'Stay indoors tonight. Check on neighbours who may need help. '.repeat(2) }],
        })),
      },
    });
    const { revision } = await call<{ revision: number }>('updates.get', { id: update.id });
    await call('review.submit', { updateId: update.id, revision });
    await call('review.approve', { updateId: update.id, revision }, approverSession);
    const acceptedBefore = (await sink.stats()).accepted;
    const worker = await startWorkerProcess({ dataDir }, ['--poll-ms', '50']);
    const pid = worker.child.pid ?? 0;
    const cpuBefore = procStatus(pid).cpuMs;
    const started = performance.now();
    const publication = await call<{ id: string }>('queue.publish', { updateId: update.id, targetIds: [target.id] });
    const ui: number[] = [];
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t = performance.now();
        await call('queue.list', { limit: 50 });
        ui.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    for (;;) {
      const row = await db.one('SELECT status FROM deliveries WHERE publication_id = $1', [publication.id]);
      if (row?.status === 'delivered') break;
      if (row?.status === 'failed' || row?.status === 'unconfirmed')
        throw new Error(`the send ended ${String(row.status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const appMs = performance.now() - started;
    done = true;
    await probe;
    const proc = procStatus(pid);
    worker.child.kill('SIGTERM');
    await worker.exited;
    const accepted = (await sink.stats()).accepted - acceptedBefore;
    const counts = await db.all(`SELECT status, count(*) AS n FROM email_recipients GROUP BY status`);
    await core.close();
    if (accepted !== recipients) throw new Error(`the sink accepted ${accepted} messages, not ${recipients}`);

    const importResult = Number(values['import-rows']) > 0 ? await importMemory(Number(values['import-rows'])) : null;

    const a = recipients / (baselineMs / 1000);
    const b = recipients / (appMs / 1000);
    const result = {
      benchmark: 'email fan-out',
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, loadAverage1m: loadavg()[0] },
      recipients,
      connections,
      baseline: { messagesPerSecond: a, seconds: baselineMs / 1000 },
      app: {
        messagesPerSecond: b,
        seconds: appMs / 1000,
        peakRssMb: proc.peakRssMb,
        cpuMsPerMessage: (proc.cpuMs - cpuBefore) / recipients,
        uiCallP95Ms: percentile(ui, 95),
        uiCallMaxMs: Math.max(...ui),
        uiCalls: ui.length,
        recipientStatuses: Object.fromEntries(counts.map((c) => [String(c.status), Number(c.n)])),
      },
      ratio: b / a,
      targets: { ratio: 0.4, peakRssMb: 300, uiCallP95Ms: 50 },
      met: {
        ratio: b / a >= 0.4,
        peakRssMb: proc.peakRssMb <= 300,
        uiCallP95Ms: percentile(ui, 95) <= 50,
      },
      import: importResult,
      notes:
        'Sink: smtp-server in its own process on 127.0.0.1. (a) the same pipelining client, one prebuilt message, no database. ' +
        '(b) the headless worker process: claim, render, snapshot, per-recipient message, send, group-committed status writes (SQLite; those commits with synchronous=NORMAL: they survive kill -9, not a power cut). ' +
        'UI call: queue.list (50 rows) from another process on the same database every 50 ms during (b).',
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
