import type { ChannelTarget, DeliveryChanged } from '../../../shared/domain/queue.ts';
import type { RemoteState } from '../channels/adapter.ts';
import { applyDeliveryEvent } from './apply-event.ts';
import { createDeliveryRepository } from './delivery-repository.ts';
import type { DeliveryEvent } from './delivery-state.ts';
import type { DeliveryRecord } from './queue-rows.ts';
import { channelContext, isoAfter, workerStep, type WorkerEnv } from './worker-env.ts';

const BATCH = 50;

/**
 * Settles sends whose worker stopped renewing its lease (it crashed, or lost
 * the database). For a channel that ignores repeats the delivery is queued
 * again, under the same idempotency key; for any other it becomes
 * `unconfirmed` and is never sent again without a person or a look-up.
 */
export async function reapExpiredLeases(env: WorkerEnv): Promise<number> {
  const now = env.now();
  const changes = await env.db.transaction(async (tx) => {
    const repo = createDeliveryRepository(tx);
    const out: DeliveryChanged[] = [];
    for (const record of await repo.selectExpiredLeases(now.toISOString(), BATCH)) {
      const adapter = env.channels.get(record.targetKind);
      const event: DeliveryEvent = { type: 'lease_expired', idempotent: adapter?.idempotent ?? false };
      const result = await applyDeliveryEvent(tx, record, event, workerStep(env, adapter, now));
      if (!result.ok) continue;
      await repo.finishAttempt(record.id, record.attempts, {
        finishedAt: now.toISOString(),
        outcome: 'lease_expired',
        error: result.record.lastError,
      });
      env.logger.warn('A send outlived its worker', {
        deliveryId: record.id,
        formerWorker: record.leaseOwner,
        now: result.record.status,
      });
      out.push(result.change);
    }
    return out;
  });
  changes.forEach(env.emit);
  return changes.length;
}

/** The reducer's event for a look-up's answer; `unknown` leaves the delivery to a person. */
function lookupEvent(state: RemoteState): DeliveryEvent | null {
  switch (state.state) {
    case 'published':
      return { type: 'lookup_found', externalId: state.externalId, externalUrl: state.externalUrl };
    case 'absent':
      return { type: 'lookup_absent' };
    case 'unknown':
      return null;
  }
}

/**
 * Asks channels that can look a send up whether an `unconfirmed` delivery
 * went out. Found: delivered. Absent: queued again (it demonstrably did not
 * go out). Can't tell: left for a person. A look-up that fails is tried again later.
 */
export async function runDueLookups(env: WorkerEnv, targets: ReadonlyMap<string, ChannelTarget>): Promise<number> {
  const kinds = env.channels
    .list()
    .filter((a) => a.lookup !== undefined)
    .map((a) => a.kind);
  if (kinds.length === 0) return 0;
  const now = env.now();
  const leased = await env.db.transaction(async (tx) => {
    const repo = createDeliveryRepository(tx);
    const due = await repo.selectLookupsDue(now.toISOString(), kinds, BATCH);
    const mine: DeliveryRecord[] = [];
    for (const record of due) {
      if (await repo.leaseForLookup(record.id, env.id, isoAfter(now, env.leaseMs))) mine.push(record);
    }
    return mine;
  });
  let settled = 0;
  for (const record of leased) {
    if (env.isStopping()) {
      await createDeliveryRepository(env.db).releaseLookup(record.id, env.id, now.toISOString(), now.toISOString());
      continue;
    }
    if (await lookUp(env, record, targets.get(record.targetId))) settled++;
  }
  return settled;
}

async function lookUp(env: WorkerEnv, record: DeliveryRecord, target: ChannelTarget | undefined): Promise<boolean> {
  const adapter = env.channels.get(record.targetKind);
  const repo = createDeliveryRepository(env.db);
  const later = (ms: number | null) =>
    repo.releaseLookup(record.id, env.id, ms === null ? null : isoAfter(env.now(), ms), env.now().toISOString());
  const settings = target && adapter ? adapter.settingsSchema.safeParse(target.settings) : undefined;
  if (!adapter?.lookup || !target || !settings?.success) {
    await later(null);
    return false;
  }
  let state: RemoteState;
  try {
    const signal = AbortSignal.any([env.stopSignal, AbortSignal.timeout(Math.max(1000, env.leaseMs / 2))]);
    const ctx = channelContext(env, target, adapter, settings.data, signal);
    state = await adapter.lookup(
      { deliveryId: record.id, idempotencyKey: record.idempotencyKey, externalId: record.externalId },
      ctx,
    );
  } catch (error) {
    env.logger.warn('A status look-up failed; it will be tried again', { deliveryId: record.id, error });
    await later(env.lookupRetryMs);
    return false;
  }
  const event = lookupEvent(state);
  if (!event) {
    await later(null);
    return false;
  }
  const result = await env.db.transaction(async (tx) => {
    const current = await createDeliveryRepository(tx).get(record.id, { lock: true });
    if (!current) return null;
    return applyDeliveryEvent(tx, current, event, {
      ...workerStep(env, adapter, env.now()),
      expectLeaseOwner: env.id,
    });
  });
  if (!result?.ok) return false;
  env.logger.info('A look-up settled an unconfirmed delivery', { deliveryId: record.id, now: result.record.status });
  env.emit(result.change);
  return true;
}
