import type { Delivery } from '../../../shared/domain/queue.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { channelSecretName, failureOf, type ChannelContext } from '../channels/adapter.ts';
import type { ChannelRegistry } from '../channels/registry.ts';
import { CoreError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import { requireRole, type UserActor } from '../people/actor.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { SqlDb } from '../store/sql.ts';
import { applyDeliveryEvent } from './apply-event.ts';
import { createDeliveryRepository } from './delivery-repository.ts';
import { DEFAULT_QUEUE_POLICY, deliveryReducer } from './delivery-state.ts';
import { createQueueRepository } from './queue-repository.ts';
import { toDelivery } from './queue-rows.ts';

/**
 * "Remove from the website" (issue 7): asks the channel to delete or
 * unpublish what a delivered delivery put there, through the adapter's
 * `retract`, then records it with the state machine's `retract` step (the
 * status stays `delivered`; `retracted_at` and a history row say it was
 * removed), in the audit log, in the same transaction.
 *
 * The channel is called outside any transaction (it may take seconds); the
 * record is written only after the channel said it is gone. Two people
 * retracting at once both reach the channel, which is harmless (static site
 * and WordPress retractions are repeatable), and only one is recorded.
 */
export type RetractDeps = {
  db: SqlDb;
  secrets: SecretStore;
  channels: ChannelRegistry;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  now: () => Date;
  fetch?: typeof fetch;
  /** How long the channel may take to remove it (default 30 s). */
  timeoutMs?: number;
};

const NOT_FOUND = 'That delivery does not exist (it may have been removed).';

export function createRetract(deps: RetractDeps) {
  const { db, secrets, channels, audit, events, logger, now } = deps;
  const timeoutMs = deps.timeoutMs ?? 30_000;

  /** Reads the delivery and refuses early, with the reason, anything that cannot be retracted. */
  async function check(deliveryId: string) {
    const record = await createDeliveryRepository(db).get(deliveryId);
    if (!record) throw new CoreError('not_found', NOT_FOUND);
    const step = deliveryReducer(record, { type: 'retract' });
    if (!step.ok) throw new CoreError('conflict', step.message);
    const adapter = channels.get(record.targetKind);
    if (!adapter?.retract) {
      throw new CoreError(
        'conflict',
        `Town Crier cannot remove posts from ${record.targetName}: this kind of channel does not support it. Remove it on ${record.targetName} itself.`,
      );
    }
    const [target] = await createQueueRepository(db).getTargets([record.targetId], { connectedOnly: true });
    if (!target) {
      throw new CoreError(
        'conflict',
        `${record.targetName} was disconnected, so Town Crier can no longer remove anything from it. Remove it there yourself.`,
      );
    }
    const settings = adapter.settingsSchema.safeParse(target.settings);
    if (!settings.success) {
      throw new CoreError('conflict', `The settings of ${record.targetName} are no longer valid. Edit them first.`);
    }
    return { record, adapter, target, settings: settings.data };
  }

  return {
    async retract(deliveryId: string, actor: UserActor): Promise<Delivery> {
      // The same people as Cancel and Retry: those who publish.
      requireRole(actor, ['author', 'approver'], 'remove published updates from channels');
      const { record, adapter, target, settings } = await check(deliveryId);
      const controller = new AbortController();
      const ctx: ChannelContext<unknown> = {
        target: { id: target.id, name: target.name },
        settings,
        credentials: (name) => secrets.get(channelSecretName(target.id, name)),
        fetch: deps.fetch ?? globalThis.fetch,
        logger: logger.child(adapter.kind),
        now,
        signal: controller.signal,
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          adapter.retract?.(
            { deliveryId: record.id, idempotencyKey: record.idempotencyKey, externalId: record.externalId },
            ctx,
          ),
          new Promise((_, reject) => {
            timer = setTimeout(() => {
              controller.abort(new Error('Retract timed out'));
              reject(new Error(`${target.name} did not answer within ${Math.round(timeoutMs / 1000)} seconds`));
            }, timeoutMs);
          }),
        ]);
      } catch (error) {
        const failure = failureOf(error);
        const why = error instanceof Error && failure.kind === 'unknown_outcome' ? error.message : failure.message;
        logger.warn('A channel refused to remove a delivery', { deliveryId, kind: failure.kind });
        throw new CoreError(
          'conflict',
          failure.kind === 'auth'
            ? `${target.name} refused to remove it: ${why} Reconnect the channel, then try again.`
            : `${target.name} could not remove it: ${why} Nothing was changed in Town Crier; check ${target.name}, then try again.`,
        );
      } finally {
        clearTimeout(timer);
      }
      const step = await db.transaction(async (tx) => {
        const current = await createDeliveryRepository(tx).get(deliveryId, { lock: true });
        if (!current) throw new CoreError('not_found', NOT_FOUND);
        const result = await applyDeliveryEvent(
          tx,
          current,
          { type: 'retract' },
          {
            now: now(),
            actor: `person:${actor.id}`,
            policy: DEFAULT_QUEUE_POLICY,
            delayFor: () => 0,
            canLookup: false,
          },
        );
        if (!result.ok) throw new CoreError('conflict', result.message);
        await audit.record(tx, actor, {
          action: 'delivery.retracted',
          subjectType: 'delivery',
          subjectId: deliveryId,
          details: {
            publicationId: current.publicationId,
            target: current.targetName,
            kind: current.targetKind,
            externalUrl: current.externalUrl,
          },
        });
        return result;
      });
      logger.info('Removed a delivered update from its channel', { deliveryId, target: target.id });
      events.emit('delivery.changed', step.change);
      return toDelivery(step.record);
    },
  };
}

export type Retract = ReturnType<typeof createRetract>;
