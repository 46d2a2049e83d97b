import { readFileSync, writeFileSync } from 'node:fs';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/app.ts';
import { createChannelRegistry, BUILT_IN_CHANNEL_ADAPTERS } from '../../../electron/core/channels/registry.ts';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { openNodeStores } from '../../../electron/hosts/node-core.ts';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { killIfRunning, startWorkerProcess, type WorkerProcess } from '../queue/worker-process.ts';
import { callOk, plainBody } from '../store/store-suite.ts';
import { emailStores } from './email-store.ts';

/**
 * kill -9 of the headless worker (`node electron/hosts/worker.ts`) in the
 * middle of a 20,000-recipient send, then a restart: every recipient gets
 * exactly one message, or is left `unconfirmed` (at most one per connection).
 */
const stores = emailStores();
const RECIPIENTS = Number(process.env.EMAIL_KILL_RECIPIENTS ?? 20_000);
const CONNECTIONS = 4;

describe('email send survives kill -9', () => {
  it(
    'every recipient receives exactly one message or is unconfirmed (≤ connections)',
    { timeout: Number(process.env.EMAIL_KILL_TIMEOUT ?? 240_000) },
    async () => {
      const dataDir = stores.tempDir();
      writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ publicBaseUrl: 'https://alerts.example.gov.uk' }));
      const logFile = join(stores.tempDir(), 'accepted.log');
      const sink = await startSmtpSink({ logFile });
      const { db, settings, secrets } = await openNodeStores({ dataDir });
      const core = await signedIn(
        createCore({
          db,
          settings,
          secrets,
          logger: createLogger('test', () => undefined),
          channels: createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS),
        }),
      );
      let worker: WorkerProcess | undefined;
      try {
        const repo = createSubscribersRepository({ db });
        const list = await repo.createList({ name: 'Everyone' });
        for (let start = 0; start < RECIPIENTS; start += 1000) {
          const people = Array.from({ length: 1000 }, (_, i) => {
            const email = `resident${start + i}@example.org`;
            return { email, emailKey: email, name: null };
          });
          await db.transaction(async (tx) => {
            const r = await repo.mergeInto(tx, list.id, people, { source: 'test', at: new Date().toISOString() });
            return r;
          });
        }
        const target = await callOk(core, 'channels.create', {
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
          },
        });
        const update = await callOk(core, 'updates.create', {
          title: 'Storm warning',
          summary: 'Stay in',
          body: plainBody('Stay indoors.'),
        });
        await approveCurrent(core, update.id);
        const publication = await callOk(core, 'queue.publish', { updateId: update.id, targetIds: [target.id] });
        const deliveryId = String(
          (await db.one('SELECT id FROM deliveries WHERE publication_id = $1', [publication.id]))?.id,
        );

        worker = await startWorkerProcess({ dataDir }, ['--lease-ms', '2000', '--poll-ms', '50']);
        const killAt = Math.floor(RECIPIENTS * 0.3);
        const startDeadline = Date.now() + 120_000;
        for (;;) {
          const stats = await sink.stats();
          if (stats.accepted >= killAt) break;
          if (Date.now() > startDeadline) {
            const d = await db.one('SELECT status, last_error FROM deliveries WHERE id = $1', [deliveryId]);
            throw new Error(
              `The send did not get going: ${JSON.stringify(d)} ${JSON.stringify(stats)} ${worker.stderr().slice(-1500)}`,
            );
          }
          await new Promise((r) => setTimeout(r, 25));
        }
        worker.child.kill('SIGKILL');
        await worker.exited;
        const atKill = (await sink.stats()).accepted;
        const sendingAtKill = Number(
          (
            await db.one(`SELECT count(*) AS n FROM email_recipients WHERE delivery_id = $1 AND status = 'sending'`, [
              deliveryId,
            ])
          )?.n,
        );

        worker = await startWorkerProcess({ dataDir }, ['--lease-ms', '2000', '--poll-ms', '50']);
        const deadline = Date.now() + 200_000;
        for (;;) {
          const row = await db.one('SELECT status FROM deliveries WHERE id = $1', [deliveryId]);
          if (row?.status === 'delivered') break;
          if (Date.now() > deadline) throw new Error(`The delivery is still ${String(row?.status)}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        await sink.flush();

        const received = new Map<string, number>();
        for (const line of readFileSync(logFile, 'utf8').split('\n')) {
          if (!line) continue;
          const [address] = line.split('\t');
          if (address) received.set(address, (received.get(address) ?? 0) + 1);
        }
        const rows = await db.all('SELECT email, status FROM email_recipients WHERE delivery_id = $1', [deliveryId]);
        const byStatus: Record<string, number> = {};
        let exactlyOnce = 0;
        let twice = 0;
        let unconfirmedReceived = 0;
        for (const r of rows) {
          const status = String(r.status);
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          const n = received.get(String(r.email)) ?? 0;
          if (n > 1) twice++;
          if (status === 'accepted' && n === 1) exactlyOnce++;
          if (status === 'unconfirmed' && n === 1) unconfirmedReceived++;
        }
        process.stdout.write(
          `kill -9 during ${RECIPIENTS} recipients: sink had ${atKill} at the kill, ${sendingAtKill} recorded as sending; ` +
            `after restart ${JSON.stringify(byStatus)}; received exactly once ${exactlyOnce}, more than once ${twice}, ` +
            `unconfirmed that did arrive ${unconfirmedReceived}\n`,
        );
        expect(rows).toHaveLength(RECIPIENTS);
        expect(twice).toBe(0);
        expect((byStatus.accepted ?? 0) + (byStatus.unconfirmed ?? 0)).toBe(RECIPIENTS);
        expect(exactlyOnce).toBe(byStatus.accepted);
        expect(byStatus.unconfirmed ?? 0).toBeLessThanOrEqual(CONNECTIONS);
        expect(byStatus.unconfirmed ?? 0).toBe(sendingAtKill);
        expect([...received.values()].reduce((a, b) => a + b, 0)).toBe((byStatus.accepted ?? 0) + unconfirmedReceived);
      } finally {
        killIfRunning(worker);
        await core.close();
        await sink.stop();
      }
    },
  );
});
