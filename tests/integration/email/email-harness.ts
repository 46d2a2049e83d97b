import { randomBytes } from 'node:crypto';
import { approveCurrent, signedIn } from '../../support/people.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { channelSecretName, type ChannelAdapter } from '../../../electron/core/channels/adapter.ts';
import { createEmailAdapter, type EmailAdapterOptions } from '../../../electron/core/channels/email/email-adapter.ts';
import { createRecipientStore } from '../../../electron/core/channels/email/recipient-store.ts';
import { createFanoutFactory } from '../../../electron/core/channels/email/services.ts';
import { createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import { createQueueWorker, type QueueWorker } from '../../../electron/core/queue/worker.ts';
import { createAesGcmCipher, createFileSecretStore } from '../../../electron/core/secrets/file-secret-store.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { openStore, type StoreLocation } from '../../../electron/core/store/open-store.ts';
import type { SqlDb } from '../../../electron/core/store/sql.ts';
import { startUnsubscribeServer, type UnsubscribeServer } from '../../../electron/hosts/unsubscribe-server.ts';
import type { Delivery, DeliveryStatus } from '../../../shared/domain/queue.ts';
import type { Doc } from '../../../shared/content/doc.ts';
import { callOk, plainBody } from '../store/store-suite.ts';

/**
 * The email channel end to end in this process: the real core and queue
 * worker on a real store, the email adapter with short deferral waits, and
 * an unsubscribe endpoint over real HTTP. The SMTP sink runs in its own
 * process (tests/support/smtp-sink.ts).
 */
export type EmailHarness = {
  core: Core;
  db: SqlDb;
  logs: LogRecord[];
  http: UnsubscribeServer;
  subscribers: ReturnType<typeof createSubscribersRepository>;
  recipients: ReturnType<typeof createRecipientStore>;
  /** Starts a queue worker; `onProgress` receives the fan-out's `email.send.progress` hints. */
  worker(options?: { onProgress?: (deliveryId: string) => void }): QueueWorker;
  list(name: string, emails: string[]): Promise<{ id: string; ids: Record<string, string> }>;
  target(port: number, listIds: string[], extra?: Record<string, unknown>): Promise<{ id: string }>;
  publish(targetId: string, title?: string, body?: Doc): Promise<{ deliveryId: string; publicationId: string }>;
  delivery(id: string): Promise<Delivery>;
  waitFor(id: string, statuses: DeliveryStatus[], timeoutMs?: number): Promise<Delivery>;
  close(): Promise<void>;
};

export async function openEmailHarness(
  location: StoreLocation,
  adapterOptions: EmailAdapterOptions = {},
): Promise<EmailHarness> {
  const db = await openStore(location);
  const settings = createMemorySettingsStore({ organisationName: 'Example Council' });
  const secrets = createFileSecretStore(join(location.dataDir, 'secrets.json'), createAesGcmCipher(randomBytes(32)));
  const logs: LogRecord[] = [];
  const logger = createLogger('test', (record) => logs.push(record));
  const adapter = createEmailAdapter({ deferBaseMs: 100, inCallWaitMs: 5_000, stateCheckMs: 50, ...adapterOptions });
  const channels = createChannelRegistry([adapter as ChannelAdapter]);
  const core = await signedIn(createCore({ db, settings, secrets, logger, channels }));
  const http = await startUnsubscribeServer({
    handler: core.services.email.unsubscribe,
    port: 0,
    host: '127.0.0.1',
    logger,
  });
  await settings.write({ ...(await settings.read()), publicBaseUrl: http.url });
  const subscribers = createSubscribersRepository({ db });
  const workers: QueueWorker[] = [];
  const harness: EmailHarness = {
    core,
    db,
    logs,
    http,
    subscribers,
    recipients: createRecipientStore(db),
    worker(options = {}) {
      const worker = createQueueWorker({
        db,
        channels,
        credentials: (targetId, name) => secrets.get(channelSecretName(targetId, name)),
        logger: logger.child('worker'),
        pollMs: 20,
        leaseMs: 2000,
        backoff: { baseMs: 50, capMs: 200 },
        stopGraceMs: 5000,
        fanout: createFanoutFactory({
          db,
          secrets,
          settings,
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        }),
      });
      workers.push(worker);
      worker.start();
      return worker;
    },
    async list(name, emails) {
      const list = await subscribers.createList({ name });
      const ids: Record<string, string> = {};
      for (const email of emails) {
        ids[email] = (
          await subscribers.add(
            list.id,
            { email, emailKey: email.toLowerCase(), name: `Resident ${email.split('@')[0]}` },
            'test',
          )
        ).id;
      }
      return { id: list.id, ids };
    },
    async target(port, listIds, extra = {}) {
      return callOk(core, 'channels.create', {
        kind: 'email.smtp',
        name: 'Roads email',
        settings: {
          host: '127.0.0.1',
          port,
          security: 'none',
          fromName: 'Example Council',
          fromAddress: 'alerts@example.gov.uk',
          replyTo: 'contact@example.gov.uk',
          unsubscribeMailto: 'unsubscribe@example.gov.uk',
          listIds,
          messagesPerSecond: 5000,
          maxConnections: 3,
          ...extra,
        },
      });
    },
    async publish(targetId, title = 'Roadworks on the High Street', body?: Doc) {
      const update = await callOk(core, 'updates.create', {
        title,
        summary: 'The road is closed from Monday.',
        body: body ?? plainBody('The High Street is closed to traffic from 6 July for two weeks.'),
      });
      await approveCurrent(core, update.id);
      const publication = await callOk(core, 'queue.publish', { updateId: update.id, targetIds: [targetId] });
      const row = await db.one('SELECT id FROM deliveries WHERE publication_id = $1', [publication.id]);
      return { deliveryId: String(row?.id), publicationId: publication.id };
    },
    async delivery(id) {
      const row = await db.one('SELECT publication_id FROM deliveries WHERE id = $1', [id]);
      const detail = await callOk(core, 'queue.get', { publicationId: String(row?.publication_id) });
      const found = detail.deliveries.find((d) => d.id === id);
      if (!found) throw new Error(`No delivery ${id}`);
      return found;
    },
    async waitFor(id, statuses, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await harness.delivery(id);
        if (statuses.includes(current.status)) return current;
        if (Date.now() > deadline) throw new Error(`Delivery ${id} is ${current.status}, not ${statuses.join(' or ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await http.close();
      await core.close();
    },
  };
  return harness;
}

/** Every message the sink saved, parsed. */
export async function savedMessages(dir: string): Promise<ParsedMail[]> {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort();
  } catch {
    return [];
  }
  return Promise.all(files.map((f) => simpleParser(readFileSync(join(dir, f)))));
}

export function toAddress(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? '';
}
