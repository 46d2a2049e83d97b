import type { ParsedInput } from '../../../shared/contract.ts';
import { strictestLimits } from '../../../shared/channels/limits.ts';
import type { ChannelTarget, Delivery, Publication, PublicationDetail } from '../../../shared/domain/queue.ts';
import { channelSecretName, failureOf } from '../channels/adapter.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { CoreError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb, SqlExecutor } from '../store/sql.ts';
import { checkUpdateForSending, renderHashOf } from '../updates/check-for-sending.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireRole, type UserActor } from '../people/actor.ts';
import { activeApproverIds, insertComment, insertNotifications } from '../review/notifications.ts';
import { createUpdatesRepository } from '../updates/updates-repository.ts';
import type { Settings } from '../../../shared/domain/settings.ts';
import { Channels } from '../../../shared/domain/variants.ts';
import { applyDeliveryEvent } from './apply-event.ts';
import { dayBounds } from './day-bounds.ts';
import { createDeliveryRepository } from './delivery-repository.ts';
import { DEFAULT_QUEUE_POLICY, type DeliveryEvent, type QueuePolicy } from './delivery-state.ts';
import { decodeQueueCursor, createQueueRepository, type QueueRepository } from './queue-repository.ts';
import { toDelivery, type DeliveryRecord, type PublicationHead } from './queue-rows.ts';
import { deriveUpdateStatus } from './update-status.ts';

export type QueueServiceDeps = {
  db: SqlDb;
  events: EventBus;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  channels: ChannelRegistry;
  policy?: QueuePolicy;
  /** Where "today" is reckoned; times are always stored in UTC. */
  timeZone?: string;
  /** The settings the pre-send check renders with (organisation name, news address). */
  readSettings: () => Promise<Pick<Settings, 'organisationName' | 'websiteNewsUrl'>>;
  audit: AuditLog;
  /** Channel secrets, for withdrawing a delivery a platform holds until its time (Cancel of a WordPress "future" post). */
  secrets?: SecretStore;
  fetch?: typeof fetch;
  /** How long a withdrawal may take (default 30 s). */
  withdrawTimeoutMs?: number;
};

const NOT_FOUND = 'That delivery does not exist (it may have been removed).';

function assemble(head: PublicationHead, records: readonly DeliveryRecord[]): Publication {
  const deliveries = records.filter((d) => d.publicationId === head.id);
  return { ...head, status: deriveUpdateStatus(deliveries), deliveries: deliveries.map(toDelivery) };
}

async function readPublication(repo: QueueRepository, id: string): Promise<Publication | undefined> {
  const head = await repo.publication(id);
  return head ? assemble(head, await repo.deliveriesOf([id])) : undefined;
}

const MAY_HAVE_GONE_OUT =
  'This delivery may already have gone out (the worker stopped while sending it), so it can no longer be cancelled. This channel ignores repeats, so Town Crier is sending it again to be sure.';

/**
 * Whether an earlier send of this delivery may have been published: its
 * worker stopped mid-send and, the channel ignoring repeats, it was queued
 * again rather than left `unconfirmed`. Cancelling it then would show
 * "cancelled" for a post that may be out (the crash soak found this), so a
 * person cannot; the re-send under the same key settles it. A failed one was
 * refused on the re-send by a channel that checks the key, so nothing is out.
 */
async function mayHaveGoneOut(tx: SqlExecutor, record: DeliveryRecord, idempotent: boolean): Promise<boolean> {
  if (!idempotent) return false;
  const lost = await tx.one(
    `SELECT 1 AS lost FROM delivery_attempts WHERE delivery_id = $1 AND outcome = 'lease_expired' LIMIT 1`,
    [record.id],
  );
  return lost !== undefined;
}

/** Publishing, the queue's views, and the actions a person takes on a delivery. */
export function createQueueService(deps: QueueServiceDeps) {
  const { db, events, logger, now, newId, channels } = deps;
  const policy = deps.policy ?? DEFAULT_QUEUE_POLICY;
  const timeZone = deps.timeZone ?? 'Europe/London';
  const repo = createQueueRepository(db);

  /** A person's step on one delivery, through the same reducer as the worker's, recorded in the audit log. */
  async function act(deliveryId: string, event: DeliveryEvent, actor: UserActor): Promise<Delivery> {
    const verb = {
      cancel: 'cancel',
      withdrawn: 'cancel',
      retry: 'retry',
      resolve_sent: 'resolve',
      resolve_send_again: 'resolve',
    }[event.type as 'cancel' | 'withdrawn' | 'retry' | 'resolve_sent' | 'resolve_send_again'];
    requireRole(actor, ['author', 'approver'], `${verb} deliveries`);
    const step = await db.transaction(async (tx) => {
      const record = await createDeliveryRepository(tx).get(deliveryId, { lock: true });
      if (!record) throw new CoreError('not_found', NOT_FOUND);
      const idempotent = channels.get(record.targetKind)?.idempotent ?? false;
      if (event.type === 'cancel' && record.status !== 'failed' && (await mayHaveGoneOut(tx, record, idempotent))) {
        throw new CoreError('conflict', MAY_HAVE_GONE_OUT);
      }
      if (event.type === 'retry' || event.type === 'resolve_send_again') {
        const [connected] = await createQueueRepository(tx).getTargets([record.targetId], { connectedOnly: true });
        if (!connected) {
          throw new CoreError('conflict', `${record.targetName} was disconnected, so nothing can be sent to it again.`);
        }
      }
      const result = await applyDeliveryEvent(tx, record, event, {
        now: now(),
        actor: `person:${actor.id}`,
        policy,
        delayFor: () => 0,
        canLookup: channels.get(record.targetKind)?.lookup !== undefined,
      });
      if (!result.ok) throw new CoreError('conflict', result.message);
      await deps.audit.record(tx, actor, {
        action: verb === 'cancel' ? 'delivery.cancelled' : verb === 'retry' ? 'delivery.retried' : 'delivery.resolved',
        subjectType: 'delivery',
        subjectId: deliveryId,
        details: {
          publicationId: record.publicationId,
          target: record.targetName,
          from: record.status,
          to: result.record.status,
          ...(event.type === 'resolve_sent' ? { outcome: 'it went out', url: event.url } : {}),
          ...(event.type === 'resolve_send_again' ? { outcome: 'send again' } : {}),
          ...(event.type === 'withdrawn' ? { outcome: 'withdrawn from the channel before its time' } : {}),
        },
      });
      return { from: record.status, ...result };
    });
    logger.info('A person changed a delivery', {
      deliveryId,
      event: event.type,
      from: step.from,
      to: step.record.status,
    });
    events.emit('delivery.changed', step.change);
    return toDelivery(step.record);
  }

  /**
   * The pre-send check, on the exact saved content being queued: the same
   * rendering and checks as the compose page, so a post over its limit or an
   * image without alt text can never be queued, whatever a UI shows.
   */
  async function refuseIfNotSendable(
    tx: SqlExecutor,
    updateId: string,
    targets: readonly Pick<ChannelTarget, 'kind' | 'knownLimits'>[],
  ): Promise<void> {
    const targetKinds = targets.map((t) => t.kind);
    const update = await createUpdatesRepository(tx).get(updateId);
    if (!update) throw new CoreError('not_found', 'That update does not exist (it may have been deleted).');
    // Check every channel the update is written for AND every kind of content the chosen targets will send,
    // so a target of a kind the editor did not tick is still checked exactly as it will be rendered.
    const contentKinds = targetKinds.flatMap((kind) => {
      const contentKind = channels.get(kind)?.limits.contentKind;
      return contentKind ? [contentKind] : [];
    });
    const checked = Channels.parse([...new Set([...update.channels, ...contentKinds])]);
    // Each chosen channel's own limits (a Mastodon instance's), as its last "Test connection" learnt them.
    const limits = strictestLimits(targets.map((t) => t.knownLimits ?? {}));
    const check = checkUpdateForSending({ ...update, channels: checked }, await deps.readSettings(), limits);
    if (check.blocking === 0) return;
    const blocking = check.findings.filter((f) => f.severity === 'blocking');
    const list = blocking.map((f) => `${f.where}: ${f.message}`).join(' ');
    throw new CoreError('invalid_input', `This update cannot be sent yet (${blocking.length} to fix). ${list}`, {
      field: 'updateId',
      issues: blocking.map((f) => ({ path: f.where, message: f.message })),
    });
  }

  /**
   * Why this version may be published: its exact content and rendered output
   * were approved by enough approvers, or (scheduled for later) it is waiting
   * for approval and will go only if approval arrives by its send time.
   */
  async function authorisationOf(
    tx: SqlExecutor,
    updateId: string,
    version: { revision: number; contentHash: string },
    settings: Pick<Settings, 'organisationName' | 'websiteNewsUrl'>,
    later: boolean,
  ): Promise<'approved' | 'pending'> {
    const update = await createUpdatesRepository(tx).get(updateId);
    if (!update) throw new CoreError('not_found', 'That update does not exist (it may have been deleted).');
    const submission = await tx.one(
      `SELECT id, approvals_required, content_hash, render_hash FROM review_submissions
       WHERE update_id = $1 AND revision = $2 AND status = 'approved' ORDER BY submitted_at DESC LIMIT 1`,
      [updateId, version.revision],
    );
    if (update.reviewState === 'approved' && submission) {
      const valid = await tx.one(
        `SELECT count(*) AS n FROM approvals WHERE submission_id = $1 AND voided_at IS NULL
           AND content_hash = $2 AND render_hash = $3`,
        [String(submission.id), version.contentHash, renderHashOf(update, settings)],
      );
      if (Number(valid?.n ?? 0) >= Number(submission.approvals_required)) return 'approved';
      throw new CoreError(
        'conflict',
        'What the channels would receive is no longer what was approved (a setting or the app changed). Submit it for approval again.',
      );
    }
    if (later && update.reviewState === 'in_review') return 'pending';
    throw new CoreError(
      'forbidden',
      update.reviewState === 'in_review'
        ? 'This update is still waiting for approval. Publish it once it is approved, or schedule it for later: it will go only if it is approved by then.'
        : 'This version has not been approved. Submit it for approval first (in an emergency, someone with the urgent permission can publish it with a reason).',
      { field: 'updateId' },
    );
  }

  /**
   * Cancel. A delivery that already went to a platform which publishes at the
   * scheduled time itself (a WordPress "future" post) can still be cancelled
   * before that time: the channel withdraws it (`retract`: WordPress moves it
   * to the trash) and only then is it marked cancelled. Anything else goes
   * through the reducer, which refuses a delivered delivery with its reason.
   */
  async function cancel(deliveryId: string, actor: UserActor): Promise<Delivery> {
    const record = await createDeliveryRepository(db).get(deliveryId);
    if (record?.status !== 'delivered') return act(deliveryId, { type: 'cancel' }, actor);
    requireRole(actor, ['author', 'approver'], 'cancel deliveries');
    const publication = await repo.publication(record.publicationId);
    const [target] = await repo.getTargets([record.targetId]);
    const adapter = channels.get(record.targetKind);
    const at = publication?.scheduledAt ?? null;
    const ahead = at !== null && at > now().toISOString();
    const secrets = deps.secrets;
    if (!ahead || !target || !adapter?.retract || !publishesItself(target) || !secrets) {
      return act(deliveryId, { type: 'cancel' }, actor);
    }
    const ref = { deliveryId, idempotencyKey: record.idempotencyKey, externalId: record.externalId };
    try {
      await adapter.retract(ref, {
        target: { id: target.id, name: target.name },
        settings: adapter.settingsSchema.parse(target.settings),
        credentials: (name) => secrets.get(channelSecretName(target.id, name)),
        fetch: deps.fetch ?? globalThis.fetch,
        logger: logger.child(adapter.kind),
        now,
        signal: AbortSignal.timeout(deps.withdrawTimeoutMs ?? 30_000),
      });
    } catch (error) {
      logger.warn('A channel could not withdraw a scheduled delivery', { deliveryId, error });
      throw new CoreError(
        'conflict',
        `${target.name} could not withdraw it, so it is still scheduled there (${failureOf(error).message}). Try again, or remove it on ${target.name} itself.`,
      );
    }
    return act(deliveryId, { type: 'withdrawn' }, actor);
  }

  /** Whether a target's channel, with its settings, makes a scheduled publication public at the time itself. */
  function publishesItself(target: { kind: string; settings: unknown } | undefined): boolean {
    const adapter = target ? channels.get(target.kind) : undefined;
    if (!target || !adapter?.publishesAtScheduledTime) return false;
    const settings = adapter.settingsSchema.safeParse(target.settings);
    return settings.success && adapter.publishesAtScheduledTime(settings.data);
  }

  return {
    /**
     * Creates one publication of the update's current version and one delivery
     * per chosen target, in one transaction: either every channel is queued or
     * none is.
     */
    async publish(input: ParsedInput<'queue.publish'>, actor: UserActor): Promise<Publication> {
      requireRole(actor, ['author', 'approver'], 'publish updates');
      if (input.urgent && !actor.urgent) {
        throw new CoreError(
          'forbidden',
          'You do not have the urgent publish permission. Submit the update for approval, or ask someone who has it.',
        );
      }
      const settings = await deps.readSettings();
      const time = now();
      const scheduledAt = input.scheduledAt === undefined ? null : new Date(input.scheduledAt).toISOString();
      const later = scheduledAt !== null && scheduledAt > time.toISOString();
      const publicationId = await db.transaction(async (tx) => {
        const txRepo = createQueueRepository(tx);
        const version = await txRepo.currentVersion(input.updateId);
        if (!version) throw new CoreError('not_found', 'That update does not exist (it may have been deleted).');
        const targets = await txRepo.getTargets(input.targetIds, { connectedOnly: true });
        if (targets.length !== input.targetIds.length) {
          throw new CoreError('not_found', 'One of the chosen channels was disconnected. Reload and choose again.', {
            field: 'targetIds',
          });
        }
        // Approved (or urgent) is checked after the targets exist and before the content checks.
        const authorisation = input.urgent
          ? 'urgent'
          : await authorisationOf(tx, input.updateId, version, settings, later);
        await refuseIfNotSendable(tx, input.updateId, targets);
        const id = newId();
        const createdAt = time.toISOString();
        await txRepo.insertPublication({
          id,
          updateId: input.updateId,
          updateRevision: version.revision,
          contentHash: version.contentHash,
          scheduledAt,
          createdAt,
          createdBy: actor.id,
          authorisation,
          urgentReason: input.urgent?.reason ?? null,
        });
        const history = createDeliveryRepository(tx);
        // The website goes first: every other channel of this publication waits for the
        // first website delivery and then links to the article it published (issue 7, item 3).
        const contentKindOf = (targetId: string) =>
          channels.get(targets.find((t) => t.id === targetId)?.kind ?? '')?.limits.contentKind ?? null;
        const ordered = [...input.targetIds].sort(
          (a, b) => Number(contentKindOf(b) === 'website') - Number(contentKindOf(a) === 'website'),
        );
        let websiteDeliveryId: string | null = null;
        for (const targetId of ordered) {
          const deliveryId = newId();
          const isWebsite = contentKindOf(targetId) === 'website';
          const dependsOnDeliveryId = isWebsite ? null : websiteDeliveryId;
          if (isWebsite && websiteDeliveryId === null) websiteDeliveryId = deliveryId;
          const status = later ? 'scheduled' : 'queued';
          // A platform that publishes at the time itself (WordPress "future" posts) gets it as soon as it may go.
          const early = later && publishesItself(targets.find((t) => t.id === targetId));
          await txRepo.insertDelivery({
            id: deliveryId,
            publicationId: id,
            targetId,
            status,
            attemptLimit: policy.maxAttempts,
            nextAttemptAt: later && scheduledAt !== null && !early ? scheduledAt : createdAt,
            idempotencyKey: newId(),
            dependsOnDeliveryId,
            createdAt,
          });
          await history.insertHistory({
            deliveryId,
            at: createdAt,
            actor: `person:${actor.id}`,
            event: 'publish',
            fromStatus: null,
            toStatus: status,
          });
        }
        if (input.urgent) {
          const title = (await createUpdatesRepository(tx).get(input.updateId))?.title || 'Untitled update';
          const message = `${actor.name} published “${title}” urgently, without approval. Reason: ${input.urgent.reason}. It needs a review.`;
          await insertComment(tx, {
            id: newId(),
            updateId: input.updateId,
            submissionId: null,
            revision: version.revision,
            authorId: actor.id,
            kind: 'urgent_published',
            body: input.urgent.reason,
            at: createdAt,
          });
          await insertNotifications(tx, {
            userIds: (await activeApproverIds(tx)).filter((userId) => userId !== actor.id),
            updateId: input.updateId,
            kind: 'urgent_published',
            message,
            at: createdAt,
            newId,
          });
        }
        await deps.audit.record(tx, actor, {
          action: input.urgent ? 'publication.urgent' : 'publication.created',
          subjectType: 'publication',
          subjectId: id,
          contentHash: version.contentHash,
          details: {
            updateId: input.updateId,
            revision: version.revision,
            targets: targets.map((t) => ({ id: t.id, kind: t.kind, name: t.name })),
            scheduledAt,
            authorisation,
            ...(input.urgent ? { reason: input.urgent.reason } : {}),
          },
        });
        return id;
      });
      const publication = await readPublication(repo, publicationId);
      if (!publication) throw new Error('A publication just created could not be read back');
      logger.info('Published an update', { publicationId, updateId: input.updateId, targets: input.targetIds.length });
      for (const d of publication.deliveries) {
        events.emit('delivery.changed', {
          id: d.id,
          publicationId: d.publicationId,
          targetId: d.targetId,
          status: d.status,
          attempts: d.attempts,
          retractedAt: d.retractedAt,
          updatedAt: d.updatedAt,
        });
      }
      return publication;
    },

    async list(input: ParsedInput<'queue.list'>) {
      const after = input.cursor === undefined ? null : decodeQueueCursor(input.cursor);
      if (input.cursor !== undefined && !after) {
        throw new CoreError('invalid_input', 'Invalid input: cursor: not a cursor from this list', { field: 'cursor' });
      }
      const page = await repo.listPublications({
        filter: input.filter,
        limit: input.limit,
        after,
        today: dayBounds(now(), timeZone),
        updateId: input.updateId,
      });
      const deliveries = await repo.deliveriesOf(page.items.map((p) => p.id));
      return { items: page.items.map((head) => assemble(head, deliveries)), nextCursor: page.nextCursor };
    },

    /** The filter buttons' counts, with "today" reckoned in the council's zone as the list does. */
    counts: () => repo.countPublications(dayBounds(now(), timeZone)),

    async get(publicationId: string): Promise<PublicationDetail> {
      const publication = await readPublication(repo, publicationId);
      if (!publication) throw new CoreError('not_found', 'That publication does not exist.');
      const ids = publication.deliveries.map((d) => d.id);
      return { ...publication, attempts: await repo.attemptsOf(ids), history: await repo.historyOf(ids) };
    },

    cancel,
    retry: (deliveryId: string, actor: UserActor) => act(deliveryId, { type: 'retry' }, actor),
    resolve: (input: ParsedInput<'queue.resolve'>, actor: UserActor) =>
      act(
        input.deliveryId,
        input.outcome === 'sent' ? { type: 'resolve_sent', url: input.url } : { type: 'resolve_send_again' },
        actor,
      ),

    /** The review an urgent publication needs afterwards, by an approver other than the person who published it. */
    async markReviewed(publicationId: string, actor: UserActor): Promise<Publication> {
      requireRole(actor, ['approver'], 'review urgent publications');
      await db.transaction(async (tx) => {
        const head = await createQueueRepository(tx).publication(publicationId);
        if (!head) throw new CoreError('not_found', 'That publication does not exist.');
        if (head.authorisation !== 'urgent') {
          throw new CoreError(
            'conflict',
            'Only an urgent publication needs a review afterwards; this one was approved.',
          );
        }
        if (head.reviewedAt !== null)
          throw new CoreError('conflict', 'This urgent publication has already been reviewed.');
        if (head.createdBy === actor.id) {
          throw new CoreError('forbidden', 'You published this urgently, so someone else must review it.');
        }
        await tx.run('UPDATE publications SET reviewed_by = $1, reviewed_at = $2 WHERE id = $3', [
          actor.id,
          now().toISOString(),
          publicationId,
        ]);
        await deps.audit.record(tx, actor, {
          action: 'publication.reviewed',
          subjectType: 'publication',
          subjectId: publicationId,
          contentHash: head.contentHash,
          details: { updateId: head.updateId, urgentReason: head.urgentReason },
        });
      });
      const publication = await readPublication(repo, publicationId);
      if (!publication) throw new CoreError('not_found', 'That publication does not exist.');
      return publication;
    },

    listTargets: () => repo.listTargets(),
  };
}

export type QueueService = ReturnType<typeof createQueueService>;
