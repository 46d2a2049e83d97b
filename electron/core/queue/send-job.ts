import { z } from 'zod';
import type { AttemptOutcome, ChannelTarget } from '../../../shared/domain/queue.ts';
import { docToHtml, docToPlainText } from '../../../shared/content/render.ts';
import {
  failureOf,
  type ChannelAdapter,
  type ChannelFailure,
  type ChannelMedia,
  type PublishResult,
  type RenderSource,
  type RenderedPost,
} from '../channels/adapter.ts';
import { createMediaRepository } from '../media/media-repository.ts';
import { applyDeliveryEvent } from './apply-event.ts';
import { deliveryProgress } from './delivery-progress.ts';
import { createDeliveryRepository } from './delivery-repository.ts';
import type { DeliveryEvent } from './delivery-state.ts';
import { createQueueRepository } from './queue-repository.ts';
import type { DeliveryRecord } from './queue-rows.ts';
import type { TokenBucket } from './rate-limiter.ts';
import { channelContext, isoAfter, withRetries, workerStep, type WorkerEnv } from './worker-env.ts';

/** A delivery this worker has claimed: `sending`, leased, with its attempt row written. */
export type SendJob = { record: DeliveryRecord; target: ChannelTarget; adapter: ChannelAdapter; bucket: TokenBucket };

type Prepared =
  { ok: true; post: RenderedPost; source: RenderSource; settings: unknown } | { ok: false; event: DeliveryEvent };

const HTTP_URL = /^https?:\/\/\S+$/i;

/**
 * The address of the website article this delivery waited for: the claim only
 * hands out a dependent delivery once that one is delivered (so its URL is
 * known) or cancelled. A cancelled website delivery publishes no article, so
 * the others link to the website channel's `fallbackUrl` setting (its news
 * page, say) when it has one, and to nothing otherwise.
 */
async function dependencyUrl(env: WorkerEnv, dependsOn: string | null): Promise<string | undefined> {
  if (dependsOn === null) return undefined;
  const dependency = await createDeliveryRepository(env.db).get(dependsOn);
  if (dependency?.status === 'cancelled') {
    const [target] = await createQueueRepository(env.db).getTargets([dependency.targetId]);
    const fallback = target?.settings['fallbackUrl'];
    return typeof fallback === 'string' && HTTP_URL.test(fallback) ? fallback : undefined;
  }
  const url = dependency?.status === 'delivered' ? dependency.externalUrl : null;
  return url !== null && HTTP_URL.test(url) ? url : undefined;
}

const TagsColumn = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(z.string()));

/** The update's tags now (they can change only while it is a draft, so these are the approved version's). */
async function updateTags(env: WorkerEnv, updateId: string): Promise<string[]> {
  const row = await env.db.one('SELECT tags_json FROM updates WHERE id = $1', [updateId]);
  const tags = TagsColumn.safeParse(row?.tags_json ?? '[]');
  return tags.success ? tags.data : [];
}

/** Loads the exact version the publication snapshotted and renders it; a problem here is permanent. */
async function prepare(env: WorkerEnv, job: SendJob): Promise<Prepared> {
  const repo = createQueueRepository(env.db);
  const publication = await repo.publication(job.record.publicationId);
  const version = publication ? await repo.version(publication.updateId, publication.updateRevision) : undefined;
  if (!publication || !version || version.contentHash !== publication.contentHash) {
    return {
      ok: false,
      event: { type: 'permanent_error', reason: 'The saved version this publication sends could not be found.' },
    };
  }
  const settings = job.adapter.settingsSchema.safeParse(job.target.settings);
  if (!settings.success) {
    const issue = settings.error.issues[0];
    return {
      ok: false,
      event: {
        type: 'permanent_error',
        reason: `The settings of "${job.target.name}" are not valid (${issue?.message ?? 'invalid'}). Edit the channel.`,
        field: ['settings', ...(issue?.path ?? []).map(String)].join('.'),
      },
    };
  }
  const websiteUrl = await dependencyUrl(env, job.record.dependsOnDeliveryId);
  const source: RenderSource = {
    ...(websiteUrl ? { websiteUrl } : {}),
    tags: await updateTags(env, version.updateId),
    ...(publication.scheduledAt ? { scheduledAt: publication.scheduledAt } : {}),
    updateId: version.updateId,
    revision: version.revision,
    contentHash: version.contentHash,
    title: version.title,
    summary: version.summary,
    body: version.body,
    bodyHtml: docToHtml(version.body),
    bodyText: docToPlainText(version.body),
    channels: version.channels,
    variants: version.variants,
  };
  try {
    const post = job.adapter.render(source);
    return { ok: true, post, source, settings: settings.data };
  } catch (error) {
    env.logger.error('A channel could not render an update', { kind: job.adapter.kind, error });
    return {
      ok: false,
      event: { type: 'permanent_error', reason: `This update could not be prepared for ${job.target.name}.` },
    };
  }
}

/** The reducer's event for what the channel answered. */
function eventFor(result: { ok: true; value: PublishResult } | { ok: false; failure: ChannelFailure }): DeliveryEvent {
  if (result.ok)
    return { type: 'succeeded', externalId: result.value.externalId, externalUrl: result.value.externalUrl };
  const f = result.failure;
  switch (f.kind) {
    case 'retryable':
      return f.offline
        ? { type: 'offline', message: f.message, ...(f.afterMs === undefined ? {} : { afterMs: f.afterMs }) }
        : { type: 'retryable_error', message: f.message, ...(f.afterMs === undefined ? {} : { afterMs: f.afterMs }) };
    case 'auth':
      return { type: 'auth_error', message: f.message };
    case 'rejected':
      return { type: 'permanent_error', reason: f.message, ...(f.field === undefined ? {} : { field: f.field }) };
    case 'unknown_outcome':
      return { type: 'unknown_outcome', message: f.message };
  }
}

const OUTCOME: Partial<Record<DeliveryEvent['type'], AttemptOutcome>> = {
  succeeded: 'delivered',
  retryable_error: 'retryable',
  offline: 'offline',
  permanent_error: 'rejected',
  auth_error: 'auth',
  unknown_outcome: 'unknown_outcome',
};

/**
 * Writes how a send ended, if this worker still holds the delivery. A worker
 * whose lease expired mid-send finds the delivery moved on (unconfirmed, or
 * queued again for an idempotent channel); then only the attempt row is
 * finished, except that a late success settles an unconfirmed delivery.
 */
async function recordOutcome(env: WorkerEnv, job: SendJob, event: DeliveryEvent): Promise<void> {
  const { record } = job;
  const changes = await withRetries('record the outcome of a send', env.logger, () =>
    env.db.transaction(async (tx) => {
      const repo = createDeliveryRepository(tx);
      const now = env.now();
      const step = workerStep(env, job.adapter, now);
      const current = await repo.get(record.id, { lock: true });
      const outcome = OUTCOME[event.type] ?? 'unknown_outcome';
      if (!current || current.status !== 'sending' || current.leaseOwner !== env.id) {
        env.logger.warn('A send finished after its lease was lost', { deliveryId: record.id, outcome });
        await repo.finishAttempt(record.id, record.attempts, { finishedAt: now.toISOString(), outcome, error: null });
        if (current?.status === 'unconfirmed' && event.type === 'succeeded') {
          const settled = await applyDeliveryEvent(tx, current, { ...event, type: 'lookup_found' }, step);
          return settled.ok ? [settled.change] : [];
        }
        return [];
      }
      const result = await applyDeliveryEvent(tx, current, event, { ...step, expectLeaseOwner: env.id });
      if (!result.ok) throw new Error(`The queue refused a send's outcome: ${result.message}`);
      await repo.finishAttempt(record.id, record.attempts, {
        finishedAt: now.toISOString(),
        outcome,
        error: result.record.status === 'delivered' ? null : result.record.lastError,
      });
      return [result.change];
    }),
  );
  changes.forEach(env.emit);
}

/** Gives back a claim whose send never started (the worker is stopping): as if it had not been claimed. */
async function release(env: WorkerEnv, job: SendJob): Promise<void> {
  const changes = await env.db.transaction(async (tx) => {
    const repo = createDeliveryRepository(tx);
    const current = await repo.get(job.record.id, { lock: true });
    if (!current || current.status !== 'sending' || current.leaseOwner !== env.id) return [];
    const step = { ...workerStep(env, job.adapter, env.now()), expectLeaseOwner: env.id };
    const result = await applyDeliveryEvent(tx, current, { type: 'release' }, step);
    if (!result.ok) return [];
    await repo.deleteAttempt(current.id, current.attempts);
    return [result.change];
  });
  changes.forEach(env.emit);
}

/**
 * One attempt of one claimed delivery: render, call the channel while
 * renewing the lease, record the outcome. `sending` and the attempt were
 * written by the claim, before this runs.
 */
export async function runSendJob(env: WorkerEnv, job: SendJob): Promise<void> {
  const prepared = await prepare(env, job);
  if (!prepared.ok) return recordOutcome(env, job, prepared.event);
  if (env.isStopping()) return release(env, job);

  const repo = createDeliveryRepository(env.db);
  let leaseHeld = true;
  const renew = setInterval(
    () => {
      repo
        .renewLease(job.record.id, env.id, isoAfter(env.now(), env.leaseMs))
        .then((held) => {
          if (!held && leaseHeld) {
            leaseHeld = false;
            env.logger.warn('Lost the lease on a delivery while sending it', { deliveryId: job.record.id });
          }
        })
        .catch((error: unknown) => env.logger.warn('Could not renew a lease', { deliveryId: job.record.id, error }));
    },
    Math.max(50, Math.floor(env.leaseMs / 3)),
  );

  let result: { ok: true; value: PublishResult } | { ok: false; failure: ChannelFailure };
  try {
    const ctx = channelContext(env, job.target, job.adapter, prepared.settings, env.stopSignal);
    const media = createMediaRepository(env.db);
    const fanout = env.fanout
      ? { ...(await env.fanout()), shouldStop: () => env.isStopping() || env.stopSignal.aborted }
      : undefined;
    const value = await job.adapter.publish(prepared.post, {
      ...ctx,
      delivery: { id: job.record.id, attempt: job.record.attempts, idempotencyKey: job.record.idempotencyKey },
      source: prepared.source,
      media: (id): Promise<ChannelMedia | undefined> => media.get(id),
      progress: deliveryProgress(env.db, job.record.id),
      ...(fanout ? { fanout } : {}),
    });
    result = { ok: true, value };
  } catch (error) {
    result = { ok: false, failure: failureOf(error) };
  } finally {
    clearInterval(renew);
  }
  if (!result.ok && result.failure.kind === 'retryable' && result.failure.afterMs !== undefined) {
    // A rate limit is the account's: every delivery to this target waits, not just this one.
    job.bucket.pauseFor(result.failure.afterMs);
  }
  const event = eventFor(result);
  env.logger.info('Sent a delivery', { deliveryId: job.record.id, target: job.target.name, result: event.type });
  await recordOutcome(env, job, event);
}
