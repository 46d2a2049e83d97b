import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { openNodeStores } from '../../../electron/hosts/node-core.ts';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { killIfRunning, startWorkerProcess, type WorkerProcess } from '../queue/worker-process.ts';
import { callOk, plainBody } from '../store/store-suite.ts';
import { emailStores } from './email-store.ts';

/**
 * A send run by the headless worker process (`node electron/hosts/worker.ts`)
 * announces its progress to a core in another process (a desktop or web host
 * on the same SQLite file) through the event relay, so an open publication
 * page there moves too.
 */
const stores = emailStores();

describe('email send progress across processes', () => {
  it(
    'reaches another process as email.send.progress while the headless worker sends',
    { timeout: 120_000 },
    async () => {
      const dataDir = stores.tempDir();
      writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ publicBaseUrl: 'https://alerts.example.gov.uk' }));
      const sink = await startSmtpSink({});
      const { db, settings, secrets } = await openNodeStores({ dataDir });
      const core = await signedIn(
        createCore({
          db,
          settings,
          secrets,
          logger: createLogger('test', () => undefined),
          channels: createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS),
          // No worker here (none is asked for): this process only watches; the headless worker sends.
          crossProcessEvents: true,
        }),
      );
      let worker: WorkerProcess | undefined;
      try {
        const repo = createSubscribersRepository({ db });
        const list = await repo.createList({ name: 'Everyone' });
        for (let i = 0; i < 30; i++) {
          await repo.add(list.id, { email: `r${i}@example.org`, emailKey: `r${i}@example.org`, name: null }, 'test');
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
            messagesPerSecond: 10,
            maxConnections: 1,
          },
        });
        const hints: string[] = [];
        core.subscribe((e) => {
          if (e.name === 'email.send.progress') hints.push(e.payload.deliveryId);
        });
        const update = await callOk(core, 'updates.create', {
          title: 'Storm',
          summary: 'In',
          body: plainBody('Stay in.'),
        });
        await approveCurrent(core, update.id);
        const publication = await callOk(core, 'queue.publish', { updateId: update.id, targetIds: [target.id] });
        const deliveryId = String(
          (await db.one('SELECT id FROM deliveries WHERE publication_id = $1', [publication.id]))?.id,
        );
        worker = await startWorkerProcess({ dataDir }, ['--poll-ms', '50']);
        await expect.poll(() => hints.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
        expect(new Set(hints)).toEqual(new Set([deliveryId]));
        await expect
          .poll(async () => (await callOk(core, 'email.send.statusIfStarted', { deliveryId }))?.counts.accepted, {
            timeout: 60_000,
          })
          .toBe(30);
      } finally {
        killIfRunning(worker);
        await core.close();
        await sink.stop();
      }
    },
  );
});
