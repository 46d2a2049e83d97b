import { randomUUID } from 'node:crypto';
import { approveCurrent, approverFor } from '../../support/people.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { plainBody } from '../store/store-suite.ts';
import {
  callError,
  callOk,
  createScope,
  ENGINES,
  eventually,
  openQueueHarness,
  sleep,
  usePostgres,
} from './queue-harness.ts';

/**
 * Publishing and the worker, end to end, on SQLite and on PostgreSQL: the
 * real store, the real worker and a real HTTP server playing the channel.
 */

const postgres = usePostgres();

describe.each(ENGINES)('publishing on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const open = (options: { newId?: () => string } = {}) => openQueueHarness(scope, engine, postgres, options);
  const count = async (db: { one(sql: string): Promise<Record<string, unknown> | undefined> }, table: string) =>
    Number((await db.one(`SELECT count(*) AS n FROM ${table}`))?.n);

  it('creates one delivery per chosen channel, snapshotting the current version', async () => {
    const h = await open();
    const [a, b] = [await h.target(), await h.target()];
    const publication = await h.publish([a, b]);
    expect(publication).toMatchObject({
      updateRevision: 1,
      status: 'publishing',
      scheduledAt: null,
      createdBy: (h.core as unknown as { userId: string }).userId,
      authorisation: 'approved',
      urgentReason: null,
    });
    expect(publication.deliveries.map((d) => d.targetId).sort()).toEqual([a.id, b.id].sort());
    for (const d of publication.deliveries) {
      expect(d).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: publication.createdAt, lastError: null });
    }
    const update = await callOk(h.core, 'updates.get', { id: publication.updateId });
    expect(publication.contentHash).toBe(update.contentHash);

    // Editing the update afterwards does not change what this publication sends.
    await callOk(h.core, 'updates.save', {
      id: update.id,
      baseRevision: 1,
      title: 'Edited after publishing',
      summary: '',
      body: plainBody('new text'),
    });
    const again = await callOk(h.core, 'queue.get', { publicationId: publication.id });
    expect(again).toMatchObject({ updateRevision: 1, contentHash: update.contentHash, title: update.title });
    const queued = h.events.filter((e) => e.name === 'delivery.changed');
    expect(queued.map((e) => e.payload)).toEqual(
      expect.arrayContaining(
        publication.deliveries.map((d) => expect.objectContaining({ id: d.id, status: 'queued' })),
      ),
    );
  });

  it('creates nothing when any part of publishing fails', async () => {
    let calls = 0;
    let failAt = Number.POSITIVE_INFINITY;
    const h = await open({
      newId: () => {
        calls += 1;
        if (calls === failAt) throw new Error('Simulated failure half-way through publishing');
        return randomUUID();
      },
    });
    const [a, b] = [await h.target(), await h.target()];
    const update = await callOk(h.core, 'updates.create', { title: 'T', summary: '', body: plainBody('x') });
    await approveCurrent(h.core, update.id);

    const missing = await callError(h.core, 'queue.publish', { updateId: update.id, targetIds: [a.id, randomUUID()] });
    expect(missing).toMatchObject({ code: 'not_found', field: 'targetIds' });
    const noUpdate = await callError(h.core, 'queue.publish', { updateId: randomUUID(), targetIds: [a.id] });
    expect(noUpdate.code).toBe('not_found');
    const twice = await callError(h.core, 'queue.publish', { updateId: update.id, targetIds: [a.id, a.id] });
    expect(twice).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/once/) });

    // Fails after the publication and the first delivery were written: all of it is rolled back.
    failAt = calls + 4;
    const broken = await callError(h.core, 'queue.publish', { updateId: update.id, targetIds: [a.id, b.id] });
    expect(broken.code).toBe('internal');
    expect(calls).toBe(failAt);
    expect([await count(h.db, 'publications'), await count(h.db, 'deliveries')]).toEqual([0, 0]);
    expect(await count(h.db, 'delivery_history')).toBe(0);
  });

  it('delivers through the worker, writing sending and the attempt before calling the channel', async () => {
    const h = await open();
    const target = await h.target();
    const { deliveries } = await h.publish([target], { title: 'Library opening hours' });
    const id = deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'delay', ms: 300 }));
    const worker = await h.worker();
    worker.start();
    await eventually('the channel is called', () => h.sink.requests.length === 1);

    // While the channel is still answering, the store already says so.
    const during = await h.delivery(id);
    expect(during).toMatchObject({ status: 'sending', attempts: 1 });
    const lease = await h.db.one('SELECT lease_owner, lease_expires_at FROM deliveries WHERE id = $1', [id]);
    expect(lease?.lease_owner).toBe(worker.id);
    const inFlight = await callOk(h.core, 'queue.get', { publicationId: during.publicationId });
    expect(inFlight.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: null, finishedAt: null })]);

    const done = await h.waitFor(id, 'delivered');
    expect(h.sink.posts).toHaveLength(1);
    expect(h.sink.requests[0]).toMatchObject({ title: 'Library opening hours', deliveryId: id });
    expect(h.sink.requests[0]?.text).toContain('Green bins are collected');
    expect(done).toMatchObject({ externalId: h.sink.posts[0]?.id, externalUrl: h.sink.posts[0]?.url, lastError: null });
    const detail = await callOk(h.core, 'queue.get', { publicationId: done.publicationId });
    expect(detail.status).toBe('delivered');
    expect(detail.attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'delivered', worker: worker.id, error: null }),
    ]);
    expect(detail.history.map((e) => [e.event, e.fromStatus, e.toStatus, e.actor])).toEqual([
      ['publish', null, 'queued', `person:${(h.core as unknown as { userId: string }).userId}`],
      ['claim', 'queued', 'sending', `worker:${worker.id}`],
      ['succeeded', 'sending', 'delivered', `worker:${worker.id}`],
    ]);
    expect(await h.db.one('SELECT lease_owner FROM deliveries WHERE id = $1', [id])).toEqual({ lease_owner: null });
    expect(h.changes.filter((c) => c.id === id).map((c) => c.status)).toEqual(['sending', 'delivered']);
  });

  it('keeps a scheduled delivery until its time (given in any offset, stored in UTC)', async () => {
    const h = await open();
    const target = await h.target();
    await approverFor(h.core); // made before the clock starts: adding a person hashes a password
    const at = new Date(Date.now() + 1500);
    const inLondonSummer = new Date(at.getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
    const publication = await h.publish([target], { scheduledAt: inLondonSummer });
    expect(publication.scheduledAt).toBe(at.toISOString());
    expect(publication.status).toBe('scheduled');
    const id = publication.deliveries[0]?.id ?? '';
    expect(publication.deliveries[0]).toMatchObject({ status: 'scheduled', nextAttemptAt: at.toISOString() });
    (await h.worker()).start();
    await sleep(200);
    expect(h.sink.requests).toHaveLength(0);
    await h.waitFor(id, 'delivered');
    expect(h.sink.requests[0]?.at).toBeGreaterThanOrEqual(at.getTime());
  });

  it('backs off after a 500 and delivers once the channel recovers', async () => {
    const h = await open();
    const target = await h.target();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave((r) =>
      r.nth <= 2 ? { kind: 'status', status: 500, body: '{"error":"Database is down"}' } : { kind: 'ok' },
    );
    (await h.worker()).start();
    const done = await h.waitFor(id, 'delivered');
    expect(done).toMatchObject({ attempts: 3, lastError: null });
    expect(h.sink.posts).toHaveLength(1);
    const detail = await callOk(h.core, 'queue.get', { publicationId: done.publicationId });
    expect(detail.attempts.map((a) => a.outcome)).toEqual(['retryable', 'retryable', 'delivered']);
    expect(detail.attempts[0]?.error).toMatchObject({
      kind: 'retryable',
      message: 'The test sink had a problem (HTTP 500): Database is down.',
      nextStep: 'Town Crier will try again automatically.',
    });
    expect(detail.history.map((e) => e.toStatus)).toEqual([
      'queued',
      'sending',
      'retry_wait',
      'queued',
      'sending',
      'retry_wait',
      'queued',
      'sending',
      'delivered',
    ]);
  });

  it('waits as long as a 429 says, for every delivery to that account', async () => {
    const h = await open();
    const target = await h.target();
    h.sink.behave((r) =>
      h.sink.requests.length === 1 && r.nth === 1
        ? { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{"error":"Slow down"}' }
        : { kind: 'ok' },
    );
    const first = (await h.publish([target])).deliveries[0]?.id ?? '';
    (await h.worker()).start();
    await eventually('the 429 is answered', () => h.sink.requests.length === 1);
    const limitedAt = h.sink.requests[0]?.at ?? 0;
    const second = (await h.publish([target])).deliveries[0]?.id ?? '';
    await h.waitFor(first, 'delivered');
    await h.waitFor(second, 'delivered');
    const retriedAt = h.sink.requestsFor(first)[1]?.at ?? 0;
    expect(retriedAt - limitedAt).toBeGreaterThanOrEqual(1000);
    expect(h.sink.requestsFor(second)[0]?.at ?? 0).toBeGreaterThanOrEqual(limitedAt + 1000);
    const detail = await callOk(h.core, 'queue.get', { publicationId: (await h.delivery(first)).publicationId });
    expect(detail.attempts[0]?.error?.message).toBe('The test sink is limiting how fast we send: Slow down.');
  });

  it('fails a permanent rejection at once, with the reason, and does not send it again', async () => {
    const h = await open();
    const target = await h.target();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'status', status: 422, body: '{"error":"Title must not be empty"}' }));
    (await h.worker()).start();
    const failed = await h.waitFor(id, 'failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatchObject({
      kind: 'rejected',
      message: 'The test sink refused the update (HTTP 422): Title must not be empty.',
      nextStep: 'Fix the problem, then choose Retry.',
    });
    await sleep(200);
    expect(h.sink.requests).toHaveLength(1);
    expect((await callOk(h.core, 'queue.get', { publicationId: failed.publicationId })).status).toBe('needs_attention');
  });

  it('gives up after the last allowed attempt', async () => {
    const h = await open();
    const target = await h.target();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'status', status: 503 }));
    (await h.worker()).start();
    const failed = await h.waitFor(id, 'failed');
    expect(failed.attempts).toBe(5);
    expect(h.sink.requests).toHaveLength(5);
    expect(failed.lastError).toMatchObject({
      kind: 'gave_up',
      message: expect.stringMatching(/^Gave up after 5 attempts/),
    });
  });

  it('asks for the channel to be reconnected on 401, and delivers after a retry', async () => {
    const h = await open();
    const target = await h.target();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave((r) => (r.authorization === 'Bearer right' ? { kind: 'ok' } : { kind: 'status', status: 401 }));
    (await h.worker()).start();
    const stuck = await h.waitFor(id, 'needs_reauth');
    expect(stuck.lastError).toMatchObject({ kind: 'auth', nextStep: 'Reconnect this channel, then choose Retry.' });
    await callOk(h.core, 'secrets.set', { name: `channel.${target.id}.token`, value: 'right' });
    expect(await callOk(h.core, 'queue.retry', { deliveryId: id })).toMatchObject({
      status: 'queued',
      lastError: null,
    });
    await h.waitFor(id, 'delivered');
    expect(h.sink.requests.map((r) => r.authorization)).toEqual([null, 'Bearer right']);
  });

  it('waits while the channel cannot be reached, never failing, and delivers when it is back', async () => {
    const h = await open();
    const target = await h.target();
    await h.sink.stop();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    (await h.worker()).start();
    await eventually('more attempts than the limit', async () => (await h.delivery(id)).attempts > 6);
    const waiting = await h.delivery(id);
    expect(['retry_wait', 'queued', 'sending']).toContain(waiting.status);
    const history = (await callOk(h.core, 'queue.get', { publicationId: waiting.publicationId })).history;
    expect(history.some((e) => e.toStatus === 'failed')).toBe(false);
    expect((await h.waitFor(id, 'retry_wait')).lastError).toMatchObject({ kind: 'offline' });
    await h.sink.restart();
    await h.waitFor(id, 'delivered');
    expect(h.sink.posts).toHaveLength(1);
  });

  it('cancels a delivery that has not started, and refuses once it has gone out', async () => {
    const h = await open();
    const target = await h.target();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = (await h.publish([target], { scheduledAt: later })).deliveries[0]?.id ?? '';
    expect(await callOk(h.core, 'queue.cancel', { deliveryId: scheduled })).toMatchObject({ status: 'cancelled' });
    expect(await callError(h.core, 'queue.cancel', { deliveryId: scheduled })).toEqual({
      code: 'conflict',
      message: 'This delivery is already cancelled.',
    });
    const now = (await h.publish([target])).deliveries[0]?.id ?? '';
    await callOk(h.core, 'queue.cancel', { deliveryId: now });
    const worker = await h.worker();
    await worker.runOnce();
    await worker.drain();
    expect(h.sink.requests).toHaveLength(0);

    const sent = (await h.publish([target])).deliveries[0]?.id ?? '';
    await worker.runOnce();
    await worker.drain();
    await h.waitFor(sent, 'delivered');
    expect(await callError(h.core, 'queue.cancel', { deliveryId: sent })).toEqual({
      code: 'conflict',
      message: 'This delivery is already delivered, so it can no longer be cancelled.',
    });
    expect(await callError(h.core, 'queue.cancel', { deliveryId: randomUUID() })).toMatchObject({ code: 'not_found' });
  });

  it('retries only the failed channel', async () => {
    const h = await open();
    const [site, social] = [await h.target(undefined, 'Website'), await h.target(undefined, 'Social')];
    const publication = await h.publish([site, social]);
    const siteId = publication.deliveries.find((d) => d.targetId === site.id)?.id ?? '';
    const socialId = publication.deliveries.find((d) => d.targetId === social.id)?.id ?? '';
    let broken = true;
    h.sink.behave((r) => (r.deliveryId === socialId && broken ? { kind: 'status', status: 400 } : { kind: 'ok' }));
    (await h.worker()).start();
    await h.waitFor(siteId, 'delivered');
    await h.waitFor(socialId, 'failed');
    expect((await callOk(h.core, 'queue.get', { publicationId: publication.id })).status).toBe('needs_attention');
    broken = false;
    await callOk(h.core, 'queue.retry', { deliveryId: socialId });
    await h.waitFor(socialId, 'delivered');
    expect(h.sink.requestsFor(siteId)).toHaveLength(1);
    expect(h.sink.postsFor(socialId)).toHaveLength(1);
    expect((await callOk(h.core, 'queue.get', { publicationId: publication.id })).status).toBe('delivered');
    expect((await callError(h.core, 'queue.retry', { deliveryId: siteId })).code).toBe('conflict');
  });
});
