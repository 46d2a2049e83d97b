import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { emailMethods } from '../../../shared/contracts/email.ts';
import { normaliseEmail } from '../../../shared/domain/email-address.ts';
import { docToHtml, docToPlainText } from '../../../shared/content/render.ts';
import { channelSecretName } from '../channels/adapter.ts';
import { EmailSettings, sendTestEmail } from '../channels/email/email-adapter.ts';
import { createSendControl } from '../channels/email/send-control.ts';
import type { CallContext, HandlersFor } from '../dispatch.ts';
import { CoreError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import { createMediaRepository } from '../media/media-repository.ts';
import { createQueueRepository } from '../queue/queue-repository.ts';
import { createRecipientStore } from '../channels/email/recipient-store.ts';
import { FAILED_STATUSES } from '../channels/email/send-control.ts';
import { createImportUploads, type ImportUploads } from './import-uploads.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { SqlDb } from '../store/sql.ts';
import type { UpdatesService } from '../updates/updates-service.ts';
import type { AuditHook } from './audit.ts';
import { importSubscribers } from './subscriber-import.ts';
import { exportSubscribers } from './subscriber-export.ts';
import { createSubscribersRepository } from './subscribers-repository.ts';

export type EmailHandlerDeps = {
  db: SqlDb;
  secrets: SecretStore;
  updates: UpdatesService;
  now: () => Date;
  audit?: AuditHook;
  /** Announces `email.send.progress` after a person pauses, resumes or cancels a send. */
  events?: EventBus;
  /** Uploaded imports in progress (one per core); made here when not given. */
  uploads?: ImportUploads;
};

/** Writes a CSV stream to a new file (never overwriting one) and counts its data lines. */
async function writeNewFile(path: string, csv: Readable): Promise<{ path: string; rows: number }> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new CoreError('conflict', 'A file with that name already exists: choose another name', { field: 'path' });
    if (code === 'ENOENT')
      throw new CoreError('not_found', 'The folder for that file does not exist', { field: 'path' });
    if (code === 'EACCES') throw new CoreError('forbidden', 'Town Crier may not write a file there', { field: 'path' });
    throw error;
  }
  let lines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (const byte of chunk) if (byte === 0x0a) lines++;
      done(null, chunk);
    },
  });
  await pipeline(csv, counter, handle.createWriteStream());
  return { path, rows: Math.max(0, lines - 1) };
}

/** The handlers of shared/contracts/email.ts. */
export function createEmailHandlers(deps: EmailHandlerDeps): HandlersFor<keyof typeof emailMethods> {
  const repo = createSubscribersRepository({
    db: deps.db,
    now: deps.now,
    ...(deps.audit ? { audit: deps.audit } : {}),
  });
  const control = createSendControl({ db: deps.db, now: deps.now });
  const recipients = createRecipientStore(deps.db);
  const uploads =
    deps.uploads ?? createImportUploads({ db: deps.db, repo, ...(deps.audit ? { audit: deps.audit } : {}) });
  const announce = async <T extends { deliveryId: string }>(status: Promise<T>): Promise<T> => {
    const done = await status;
    deps.events?.emit('email.send.progress', { deliveryId: done.deliveryId });
    return done;
  };
  // The role guard lets only admins reach these; an upload belongs to the person who began it.
  const person = (ctx: CallContext) => ctx.actor;
  const page = <T extends { id: string }>(items: T[], limit: number) => ({
    items,
    nextCursor: items.length === limit ? (items.at(-1)?.id ?? null) : null,
  });
  return {
    'email.lists.list': () => repo.lists(),
    'email.lists.create': (input) => repo.createList(input),
    'email.lists.delete': async ({ id }) => (await repo.deleteList(id), { deleted: true }),
    'email.subscribers.list': async ({ listId, status, after, limit }) =>
      page(await repo.page({ listId, status, afterId: after, limit }), limit),
    'email.subscribers.add': ({ listId, email, name, consentSource }) =>
      repo.add(
        listId,
        { email: email.trim(), emailKey: normaliseEmail(email), name: name ? name : null },
        consentSource,
      ),
    'email.subscribers.remove': async ({ listId, subscriberId }) => (
      await repo.removeFromList(listId, subscriberId),
      { removed: true }
    ),
    'email.subscribers.suppress': async ({ subscriberId, status, reason }) => {
      await repo.suppress(subscriberId, status, { actor: 'staff', reason });
      const subscriber = await repo.get(subscriberId);
      if (!subscriber) throw new CoreError('not_found', 'That subscriber does not exist');
      return subscriber;
    },
    'email.suppressed.list': async ({ after, limit }) => page(await repo.suppressed(after, limit), limit),
    'email.subscribers.import': ({ listId, path, consentSource, consentAt }) =>
      importSubscribers({ db: deps.db, repo, ...(deps.audit ? { audit: deps.audit } : {}) }, path, {
        listId,
        consentSource,
        consentAt: consentAt ?? deps.now().toISOString(),
      }),
    'email.subscribers.export': ({ path, listId, status }) =>
      writeNewFile(path, exportSubscribers(repo, { ...(listId ? { listId } : {}), ...(status ? { status } : {}) })),
    'email.send.status': ({ deliveryId }) => control.status(deliveryId),
    'email.send.statusIfStarted': async ({ deliveryId }) =>
      (await recipients.send(deliveryId)) ? control.status(deliveryId) : null,
    'email.send.pause': ({ deliveryId }) => announce(control.pause(deliveryId)),
    'email.send.resume': ({ deliveryId }) => announce(control.resume(deliveryId)),
    'email.send.cancel': ({ deliveryId }) => announce(control.cancel(deliveryId)),
    'email.send.failures': async ({ deliveryId, after, limit }) => {
      await control.status(deliveryId);
      const items = await recipients.page(deliveryId, FAILED_STATUSES, after ?? '', limit);
      return { items, nextCursor: items.length === limit ? (items.at(-1)?.subscriberId ?? null) : null };
    },
    'email.import.begin': ({ listId, fileName, consentSource, consentAt }, ctx) =>
      uploads.begin(person(ctx), {
        listId,
        fileName,
        consentSource,
        consentAt: consentAt ?? deps.now().toISOString(),
      }),
    'email.import.chunk': (input, ctx) => uploads.chunk(person(ctx), input),
    'email.import.finish': (input, ctx) => uploads.finish(person(ctx), input),
    'email.import.abandon': ({ importId }, ctx) => uploads.abandon(person(ctx), importId),
    'email.subscribers.unsuppress': async ({ subscriberId, reason }) => {
      await repo.unsuppress(subscriberId, reason);
      const subscriber = await repo.get(subscriberId);
      if (!subscriber) throw new CoreError('not_found', 'That subscriber does not exist');
      return subscriber;
    },
    'email.send.exportFailures': async ({ deliveryId, path }) => {
      await control.status(deliveryId);
      return writeNewFile(path, control.exportFailures(deliveryId));
    },
    'email.sendTest': async ({ targetId, updateId, to }) => {
      const [target] = await createQueueRepository(deps.db).getTargets([targetId]);
      if (!target || target.kind !== 'email.smtp')
        throw new CoreError('not_found', 'That email channel does not exist');
      const settings = EmailSettings.safeParse(target.settings);
      if (!settings.success) {
        throw new CoreError(
          'invalid_input',
          `The settings of "${target.name}" are not valid: ${settings.error.issues[0]?.message ?? ''}`,
        );
      }
      const update = await deps.updates.get(updateId);
      const result = await sendTestEmail(
        settings.data,
        await deps.secrets.get(channelSecretName(target.id, 'password')),
        to,
        {
          updateId: update.id,
          revision: update.revision,
          contentHash: update.contentHash,
          title: update.title,
          summary: update.summary,
          body: update.body,
          bodyHtml: docToHtml(update.body),
          bodyText: docToPlainText(update.body),
          channels: update.channels,
          variants: update.variants,
        },
        {},
        await deps.secrets.get(channelSecretName(target.id, 'dkim-key')),
        (id) => createMediaRepository(deps.db).get(id),
      );
      return result.ok
        ? { ok: true, message: `Sent: the relay answered ${result.reply}` }
        : { ok: false, message: result.message };
    },
  };
}
