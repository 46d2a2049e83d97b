import { randomUUID } from 'node:crypto';
import { unlockAfterIdle } from '../../support/people.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../../shared/contract.ts';
import { createClock } from '../store/store-suite.ts';
import { callError, callOk, createScope, ENGINES, openQueueHarness, usePostgres } from './queue-harness.ts';

/** What the queue page will show: filters, paging, the detail timeline, and the channel targets. */

const postgres = usePostgres();

describe.each(ENGINES)('queue views on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('filters by failed, unconfirmed, scheduled and today (in London), newest first, with a status each', async () => {
    // The core's clock: midday in London on 1 July 2026, a second per call.
    const clock = createClock('2026-07-01T11:00:00.000Z');
    const h = await openQueueHarness(scope, engine, postgres, { now: clock.now });
    const target = await h.target();
    const delivered = await h.publish([target], { title: 'Delivered' });
    const failed = await h.publish([target], { title: 'Failed' });
    const unconfirmed = await h.publish([target], { title: 'Unconfirmed' });
    await h.publish([target], { title: 'Scheduled', scheduledAt: '2099-01-01T09:00:00+00:00' });
    const failedId = failed.deliveries[0]?.id;
    const unconfirmedId = unconfirmed.deliveries[0]?.id;
    h.sink.behave((r) =>
      r.deliveryId === failedId
        ? { kind: 'status', status: 422, body: '{"error":"Bad"}' }
        : r.deliveryId === unconfirmedId
          ? { kind: 'drop' }
          : { kind: 'ok' },
    );
    const worker = await h.worker();
    worker.start();
    await h.waitFor(delivered.deliveries[0]?.id ?? '', 'delivered');
    await h.waitFor(failedId ?? '', 'failed');
    await h.waitFor(unconfirmedId ?? '', 'unconfirmed');
    await worker.stop();
    const queued = await h.publish([target], { title: 'Queued' });
    clock.advance(24 * 3_600_000);
    await unlockAfterIdle(h.core); // a day later the sessions have locked
    const tomorrow = await h.publish([target], { title: 'Tomorrow' });
    clock.advance(-24 * 3_600_000);

    const list = async (filter: 'all' | 'failed' | 'unconfirmed' | 'scheduled' | 'today') =>
      (await callOk(h.core, 'queue.list', { filter })).items.map((p) => [p.title, p.status]);
    expect(await list('all')).toEqual([
      ['Tomorrow', 'publishing'],
      ['Queued', 'publishing'],
      ['Scheduled', 'scheduled'],
      ['Unconfirmed', 'needs_attention'],
      ['Failed', 'needs_attention'],
      ['Delivered', 'delivered'],
    ]);
    expect(await list('failed')).toEqual([['Failed', 'needs_attention']]);
    expect(await list('unconfirmed')).toEqual([['Unconfirmed', 'needs_attention']]);
    expect(await list('scheduled')).toEqual([['Scheduled', 'scheduled']]);
    expect((await list('today')).map(([title]) => title)).toEqual(['Queued', 'Unconfirmed', 'Failed', 'Delivered']);
    expect(queued.deliveries[0]?.status).toBe('queued');
    expect(tomorrow.createdAt).toMatch(/^2026-07-02T/);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const h = await openQueueHarness(scope, engine, postgres, { now: createClock('2026-07-01T09:00:00.000Z', 0).now });
    const target = await h.target();
    const ids: string[] = [];
    // Equal timestamps throughout: the id breaks the ties.
    for (let i = 0; i < 5; i++) ids.push((await h.publish([target], { title: `U${i}` })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page: MethodOutput<'queue.list'> = await callOk(h.core, 'queue.list', {
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      sizes.push(page.items.length);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && sizes.length < 10);
    expect(sizes).toEqual([2, 2, 1]);
    expect([...seen].sort()).toEqual([...ids].sort());
    expect((await callError(h.core, 'queue.list', { cursor: 'not-a-cursor' })).field).toBe('cursor');
  });

  it('shows one publication with every attempt and every step', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const target = await h.target();
    const publication = await h.publish([target]);
    h.sink.behave((r) => (r.nth === 1 ? { kind: 'status', status: 503 } : { kind: 'ok' }));
    (await h.worker()).start();
    await h.waitFor(publication.deliveries[0]?.id ?? '', 'delivered');
    const detail = await callOk(h.core, 'queue.get', { publicationId: publication.id });
    expect(detail.attempts.map((a) => [a.attempt, a.outcome, a.error?.kind ?? null])).toEqual([
      [1, 'retryable', 'retryable'],
      [2, 'delivered', null],
    ]);
    for (const a of detail.attempts) expect(a.finishedAt && a.finishedAt >= a.startedAt).toBe(true);
    expect(detail.history.map((e) => e.event)).toEqual([
      'publish',
      'claim',
      'retryable_error',
      'due',
      'claim',
      'succeeded',
    ]);
    expect((await callError(h.core, 'queue.get', { publicationId: randomUUID() })).code).toBe('not_found');
  });

  it('connects channel targets only of kinds it can publish to, with valid settings', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const b = await h.target(undefined, 'B site', { url: h.sink.url });
    const a = await h.target(undefined, 'A site', { url: h.sink.url, timeoutMs: 1500 });
    expect(a.settings).toEqual({ url: h.sink.url, timeoutMs: 1500 });
    expect(b.settings).toEqual({ url: h.sink.url, timeoutMs: 5000 });
    expect((await callOk(h.core, 'channels.list', {})).map((t) => t.name)).toEqual(['A site', 'B site']);
    expect(
      await callError(h.core, 'channels.create', { kind: 'social.myspace', name: 'X', settings: {} }),
    ).toMatchObject({
      code: 'invalid_input',
      field: 'kind',
    });
    expect(
      await callError(h.core, 'channels.create', { kind: 'test.sink', name: 'Bad', settings: { url: 'ftp://x' } }),
    ).toMatchObject({ code: 'invalid_input', field: 'settings.url' });
    expect((await callError(h.core, 'channels.create', { kind: 'test.sink', name: '  ', settings: {} })).field).toBe(
      'name',
    );
  });
});
