import type { DeliveryChanged } from '../../../shared/domain/queue.ts';
import type { SqlExecutor } from '../store/sql.ts';
import { createDeliveryRepository } from './delivery-repository.ts';
import {
  deliveryReducer,
  type DeliveryEvent,
  type DeliveryRefusal,
  type DeliveryTransition,
  type QueuePolicy,
} from './delivery-state.ts';
import type { DeliveryRecord } from './queue-rows.ts';

/** What applying a step needs besides the delivery: the time, who acts, and the queue's policy. */
export type StepContext = {
  now: Date;
  /** 'worker:<id>' or 'person:<user id>' (recorded in the history). */
  actor: string;
  policy: QueuePolicy;
  /** The wait before the next attempt after `attempt`, at least `minMs`. */
  delayFor(attempt: number, minMs: number): number;
  /** Whether the delivery's channel can look up an unknown outcome by itself. */
  canLookup: boolean;
  /** The lease a claim takes. */
  lease?: { owner: string; expiresAt: string };
  /** Write only if this worker still holds the lease (a send's outcome). */
  expectLeaseOwner?: string;
};

export type StepResult =
  | { ok: true; record: DeliveryRecord; transition: DeliveryTransition; change: DeliveryChanged }
  | DeliveryRefusal
  | { ok: false; code: 'stale'; message: string };

/** The delivery after a transition: pure, so the write below is the only I/O. */
export function nextRecord(record: DeliveryRecord, t: DeliveryTransition, ctx: StepContext): DeliveryRecord {
  const nowIso = ctx.now.toISOString();
  const at = (ms: number) => new Date(ctx.now.getTime() + ms).toISOString();
  const nextAttemptAt = (() => {
    switch (t.next.at) {
      case 'now':
        return nowIso;
      case 'backoff':
        return at(ctx.delayFor(t.attempts, t.next.minMs));
      case 'lookup':
        return ctx.canLookup ? nowIso : null;
      case 'none':
        return null;
      case 'unchanged':
        return record.nextAttemptAt;
    }
  })();
  const lease =
    t.lease === 'hold'
      ? (ctx.lease ?? { owner: record.leaseOwner, expiresAt: record.leaseExpiresAt })
      : { owner: null, expiresAt: null };
  return {
    ...record,
    status: t.status,
    attempts: t.attempts,
    attemptLimit: t.attemptLimit,
    nextAttemptAt,
    leaseOwner: lease.owner,
    leaseExpiresAt: lease.expiresAt,
    lastError: t.error === undefined ? record.lastError : t.error === null ? null : { ...t.error, at: nowIso },
    externalId: t.external ? (t.external.id ?? record.externalId) : record.externalId,
    externalUrl: t.external ? (t.external.url ?? record.externalUrl) : record.externalUrl,
    retractedAt: t.retracted ? nowIso : record.retractedAt,
    updatedAt: nowIso,
  };
}

/**
 * Runs one step of the state machine against the database, inside the
 * caller's transaction: the reducer decides, the row is written with a
 * compare-and-set on the status it was read in, and the step is added to the
 * delivery's history.
 */
export async function applyDeliveryEvent(
  tx: SqlExecutor,
  record: DeliveryRecord,
  event: DeliveryEvent,
  ctx: StepContext,
): Promise<StepResult> {
  const transition = deliveryReducer(record, event, ctx.policy);
  if (!transition.ok) return transition;
  const next = nextRecord(record, transition, ctx);
  const repo = createDeliveryRepository(tx);
  const written = await repo.write(
    next,
    ctx.expectLeaseOwner === undefined
      ? { status: record.status }
      : { status: record.status, leaseOwner: ctx.expectLeaseOwner },
  );
  if (!written) {
    return {
      ok: false,
      code: 'stale',
      message: 'This delivery changed while the step was being taken. Reload the queue to see where it is now.',
    };
  }
  await repo.insertHistory({
    deliveryId: record.id,
    at: next.updatedAt,
    actor: ctx.actor,
    event: event.type,
    fromStatus: record.status,
    toStatus: next.status,
  });
  return {
    ok: true,
    record: next,
    transition,
    change: {
      id: next.id,
      publicationId: next.publicationId,
      targetId: next.targetId,
      status: next.status,
      attempts: next.attempts,
      retractedAt: next.retractedAt,
      updatedAt: next.updatedAt,
    },
  };
}
