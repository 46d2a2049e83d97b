import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { channelSecretName } from '../../../electron/core/channels/adapter.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { UNSUBSCRIBE_KEY_SECRET } from '../../../electron/core/email/unsubscribe-token.ts';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import type { WorkerThreadConfig } from '../../../electron/core/queue/thread-worker.ts';
import type { SecretStore } from '../../../electron/core/secrets/secret-store.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore } from '../../../electron/core/store/open-store.ts';
import type { SqlDb } from '../../../electron/core/store/sql.ts';
import { openNodeStores, WORKER_THREAD_ENTRY } from '../../../electron/hosts/node-core.ts';
import type { CoreEvent } from '../../../shared/contract.ts';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import { ENGINES, emailStores } from '../email/email-store.ts';
import { callOk, plainBody } from '../store/store-suite.ts';

/**
 * The queue worker in a worker thread (the desktop app's and web host's
 * default), through the real core on a real store, against the SMTP sink in
 * its own process: events reach the host's listeners, secrets cross only in
 * their answers, a thread ended mid-send is started again and sends nobody
 * a second copy, and closing the core mid-send hands the rest back.
 */
const stores = emailStores();
const KILL_RECIPIENTS = Number(process.env.THREAD_KILL_RECIPIENTS ?? 20_000);
const CONNECTIONS = 4;
const PASSWORD = 'sink-password-7Qx9-never-in-a-message';

type Seen = { channel: 'thread' | 'reads'; direction: 'in' | 'out'; message: unknown };
type Setup = {
  core: Core;
  db: SqlDb;
  secrets: SecretStore;
  logs: LogRecord[];
  seen: Seen[];
  events: CoreEvent[];
};

async function threadCore(
  location: { dataDir: string; databaseUrl?: string | undefined },
  config: Partial<WorkerThreadConfig> = {},
  crossProcessEvents = false,
): Promise<Setup> {
  const { db, settings, secrets } = await openNodeStores(location);
  await settings.write({ ...(await settings.read()), publicBaseUrl: 'https://alerts.example.gov.uk' });
  const logs: LogRecord[] = [];
  const seen: Seen[] = [];
  const core = await signedIn(
    createCore({
      db,
      settings,
      secrets,
      logger: createLogger('test', (r) => logs.push(r)),
      channels: createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS),
      crossProcessEvents,
      workerThread: {
        entry: WORKER_THREAD_ENTRY,
        store: location,
        tuning: { pollMs: 50, leaseMs: 2000, stopGraceMs: 10_000 },
        restartBackoff: { baseMs: 200, capMs: 2000 },
        observe: (channel, direction, message) => seen.push({ channel, direction, message }),
        ...config,
      },
    }),
  );
  const events: CoreEvent[] = [];
  core.subscribe((event) => events.push(event));
  return { core, db, secrets, logs, seen, events };
}

async function emailTarget(
  s: Setup,
  sink: SmtpSink,
  recipients: number,
  extra: Record<string, unknown> = {},
): Promise<{ targetId: string }> {
  const repo = createSubscribersRepository({ db: s.db });
  const list = await repo.createList({ name: 'Everyone' });
  for (let start = 0; start < recipients; start += 1000) {
    const people = Array.from({ length: Math.min(1000, recipients - start) }, (_, i) => {
      const email = `resident${start + i}@example.org`;
      return { email, emailKey: email, name: null };
    });
    await s.db.transaction((tx) =>
      repo.mergeInto(tx, list.id, people, { source: 'test', at: new Date().toISOString() }),
    );
  }
  const target = await callOk(s.core, 'channels.create', {
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
      maxConnections: CONNECTIONS,
      ...extra,
    },
  });
  // The adapter asks for it on every send (the sink needs none without a user name): it must cross only as the answer.
  await s.secrets.set(channelSecretName(target.id, 'password'), PASSWORD);
  return { targetId: target.id };
}

async function publish(s: Setup, targetId: string): Promise<string> {
  const update = await callOk(s.core, 'updates.create', {
    title: 'Storm warning',
    summary: 'Stay in',
    body: plainBody('Stay indoors.'),
  });
  await approveCurrent(s.core, update.id);
  const publication = await callOk(s.core, 'queue.publish', { updateId: update.id, targetIds: [targetId] });
  return String((await s.db.one('SELECT id FROM deliveries WHERE publication_id = $1', [publication.id]))?.id);
}

async function waitUntil<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const deliveryStatus = (db: SqlDb, id: string) =>
  db.one('SELECT status, lease_owner, last_error FROM deliveries WHERE id = $1', [id]);

describe.each(ENGINES)('queue worker in a thread on $engine', ({ engine }) => {
  it(
    'sends, tells the host’s listeners and other processes once each, and lets secrets cross only in their one answer',
    { timeout: 90_000 },
    async () => {
      const location = await stores.open(engine);
      const sink = await startSmtpSink({});
      const s = await threadCore({ dataDir: location.dataDir, databaseUrl: location.databaseUrl }, {}, true);
      // Another process on the same store (a desktop, a web host): it hears the thread's changes through A's relay.
      const other = createCore({
        db: await openStore({ dataDir: location.dataDir, databaseUrl: location.databaseUrl }),
        settings: createMemorySettingsStore(),
        secrets: createFileSecretStore(join(location.dataDir, 'b-secrets.json'), createAesGcmCipher(randomBytes(32))),
        logger: createLogger('b', () => undefined),
        crossProcessEvents: true,
      });
      const heard: CoreEvent[] = [];
      other.subscribe((event) => heard.push(event));
      let targetId: string | undefined;
      try {
        await waitUntil(
          'the thread to start',
          async () => s.core.services.workerThread?.readyCount() ?? 0,
          (n) => n > 0,
        );
        expect(await callOk(s.core, 'app.status', {})).toEqual({ worker: { state: 'running', sending: 0 } });
        ({ targetId } = await emailTarget(s, sink, 30));
        const deliveryId = await publish(s, targetId);
        await waitUntil(
          'delivered',
          () => deliveryStatus(s.db, deliveryId),
          (r) => r?.status === 'delivered',
        );
        expect((await sink.stats()).accepted).toBe(30);
        // The thread's changes reach this core's listeners (and so the windows), ending with "delivered".
        const changes = s.events.filter(
          (e) => e.name === 'delivery.changed' && (e.payload as { id: string }).id === deliveryId,
        );
        expect(changes.map((e) => (e.payload as { status: string }).status)).toEqual(
          expect.arrayContaining(['sending', 'delivered']),
        );
        // The worker's own log lines come through the host's logger.
        expect(s.logs.map((r) => r.message)).toContain('Queue worker started');
        // Each change once here, and once in the other process (through the host's relay, under the host's origin).
        const deliveredIn = (events: CoreEvent[]) =>
          events.filter(
            (e) =>
              e.name === 'delivery.changed' &&
              (e.payload as { id: string; status: string }).id === deliveryId &&
              (e.payload as { status: string }).status === 'delivered',
          ).length;
        await waitUntil(
          'the other process to hear it',
          async () => deliveredIn(heard),
          (n) => n > 0,
          20_000,
        );
        expect(deliveredIn(s.events)).toBe(1);
        expect(deliveredIn(heard)).toBe(1);
      } finally {
        await s.core.close();
        await other.close();
        await sink.stop();
      }
      expect(s.logs.map((r) => r.message)).toContain('Queue worker stopped');

      const key = await s.secrets.get(UNSUBSCRIBE_KEY_SECRET);
      expect(key).toBeDefined();
      for (const value of [PASSWORD, String(key)]) {
        const carrying = s.seen.filter((m) => JSON.stringify(m.message).includes(value));
        expect(carrying.length).toBeGreaterThan(0);
        for (const m of carrying) {
          // Each is the answer to a request for that very secret, and nothing else carries it.
          expect(m).toMatchObject({ channel: 'reads', direction: 'out', message: { ok: true, value } });
          const id = (m.message as { id: number }).id;
          const asked = s.seen.find(
            (q) => q.channel === 'reads' && q.direction === 'in' && (q.message as { id: number }).id === id,
          );
          expect(asked?.message).toMatchObject({ kind: 'secret' });
          expect([channelSecretName(String(targetId), 'password'), UNSUBSCRIBE_KEY_SECRET]).toContain(
            (asked?.message as { name: string }).name,
          );
        }
        expect(JSON.stringify(s.logs)).not.toContain(value);
      }
      expect(s.seen.some((m) => m.channel === 'thread' && m.direction === 'in')).toBe(true);
    },
  );
});

describe('queue worker thread on SQLite: ending it', () => {
  it(
    'a thread terminated mid-send is logged, started again, and the send finishes with nobody sent a second copy',
    { timeout: Number(process.env.THREAD_KILL_TIMEOUT ?? 240_000) },
    async () => {
      const dataDir = stores.tempDir();
      const logFile = join(stores.tempDir(), 'accepted.log');
      const sink = await startSmtpSink({ logFile });
      const s = await threadCore({ dataDir });
      try {
        const { targetId: id } = await emailTarget(s, sink, KILL_RECIPIENTS);
        const deliveryId = await publish(s, id);
        const killAt = Math.floor(KILL_RECIPIENTS * 0.3);
        await waitUntil(
          'the send to get going',
          () => sink.stats(),
          (st) => st.accepted >= killAt,
        );
        const thread = s.core.services.workerThread?.thread();
        if (!thread) throw new Error('no worker thread');
        await thread.terminate();
        const atKill = (await sink.stats()).accepted;
        // Nothing is written on the thread's behalf: the delivery stays claimed by the dead worker until its lease ends.
        const right = await deliveryStatus(s.db, deliveryId);
        expect(right?.status).toBe('sending');
        const sendingAtKill = Number(
          (
            await s.db.one(`SELECT count(*) AS n FROM email_recipients WHERE delivery_id = $1 AND status = 'sending'`, [
              deliveryId,
            ])
          )?.n,
        );
        await waitUntil(
          'delivered after the restart',
          () => deliveryStatus(s.db, deliveryId),
          (r) => r?.status === 'delivered',
          200_000,
        );
        await sink.flush();
        expect(s.core.services.workerThread?.readyCount()).toBeGreaterThanOrEqual(2);
        expect(s.logs).toContainEqual(
          expect.objectContaining({
            level: 'error',
            message:
              'The queue worker thread stopped unexpectedly; its claims will be picked up again when their leases expire',
          }),
        );

        const received = new Map<string, number>();
        for (const line of readFileSync(logFile, 'utf8').split('\n')) {
          const [address] = line.split('\t');
          if (address) received.set(address, (received.get(address) ?? 0) + 1);
        }
        const rows = await s.db.all('SELECT email, status FROM email_recipients WHERE delivery_id = $1', [deliveryId]);
        const byStatus: Record<string, number> = {};
        let twice = 0;
        for (const r of rows) {
          byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
          if ((received.get(String(r.email)) ?? 0) > 1) twice++;
        }
        process.stdout.write(
          `thread terminated during ${KILL_RECIPIENTS} recipients: sink had ${atKill} at the kill, ${sendingAtKill} recorded as sending; after the restart ${JSON.stringify(byStatus)}, received more than once ${twice}\n`,
        );
        expect(rows).toHaveLength(KILL_RECIPIENTS);
        expect(twice).toBe(0);
        expect((byStatus.accepted ?? 0) + (byStatus.unconfirmed ?? 0)).toBe(KILL_RECIPIENTS);
        expect(byStatus.unconfirmed ?? 0).toBe(sendingAtKill);
        expect(byStatus.unconfirmed ?? 0).toBeLessThanOrEqual(CONNECTIONS);
        for (const r of rows) {
          if (r.status === 'accepted') expect(received.get(String(r.email))).toBe(1);
        }
      } finally {
        await s.core.close();
        await sink.stop();
      }
    },
  );

  it(
    'closing the core mid-send finishes in-flight work, gives the delivery back, and ends the thread',
    { timeout: 120_000 },
    async () => {
      const dataDir = stores.tempDir();
      const sink = await startSmtpSink({});
      const s = await threadCore({ dataDir });
      let deliveryId: string | undefined;
      try {
        const { targetId: id } = await emailTarget(s, sink, 3000, { messagesPerSecond: 300 });
        deliveryId = await publish(s, id);
        await waitUntil(
          'the send to get going',
          () => sink.stats(),
          (st) => st.accepted >= 300,
        );
      } finally {
        const thread = s.core.services.workerThread?.thread();
        const exited = thread ? new Promise<number>((done) => thread.once('exit', done)) : Promise.resolve(-1);
        await s.core.close();
        expect(await exited).toBe(0);
        await sink.stop();
      }
      expect(s.logs.map((r) => r.message)).toContain('Queue worker stopped');
      expect(s.logs.map((r) => r.message)).not.toContain('The queue worker thread did not stop in time; ending it');
      // Reopen the store: the delivery waits (no lease held), no recipient is left mid-send, and not everyone was sent to.
      const { db } = await openNodeStores({ dataDir });
      try {
        const row = await deliveryStatus(db, String(deliveryId));
        expect(row?.lease_owner).toBeNull();
        expect(['queued', 'retry_wait']).toContain(row?.status);
        const counts = await db.all(
          'SELECT status, count(*) AS n FROM email_recipients WHERE delivery_id = $1 GROUP BY status',
          [String(deliveryId)],
        );
        const by = Object.fromEntries(counts.map((c) => [String(c.status), Number(c.n)]));
        expect(by.sending ?? 0).toBe(0);
        expect(by.accepted ?? 0).toBeLessThan(3000);
        expect(by.accepted ?? 0).toBeGreaterThanOrEqual(300);
      } finally {
        await db.close();
      }
    },
  );
});
