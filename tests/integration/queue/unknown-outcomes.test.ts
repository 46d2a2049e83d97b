import { afterEach, describe, expect, it } from 'vitest';
import { IDEMPOTENT_SINK_KIND, LOOKUP_SINK_KIND } from '../../support/http-sink-channel.ts';
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
 * When nobody knows whether an update went out: dropped connections,
 * timeouts, and workers that stopped mid-send. A channel that cannot ignore
 * repeats is never sent to again without a person or a look-up.
 */

const postgres = usePostgres();

describe.each(ENGINES)('unknown outcomes on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });
  const open = () => openQueueHarness(scope, engine, postgres);

  it('marks a dropped connection unconfirmed, never re-sends it, and takes "it went out" from a person', async () => {
    const h = await open();
    const target = await h.target();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'drop' }));
    (await h.worker()).start();
    const unconfirmed = await h.waitFor(id, 'unconfirmed');
    expect(unconfirmed).toMatchObject({ attempts: 1, nextAttemptAt: null, lastError: { kind: 'unknown_outcome' } });
    expect(unconfirmed.lastError?.nextStep).toMatch(/It went out.*Send again/);
    await sleep(200);
    expect(h.sink.requests).toHaveLength(1);
    expect((await h.delivery(id)).status).toBe('unconfirmed');

    const wrong = await callError(h.core, 'queue.resolve', {
      deliveryId: id,
      outcome: 'sent',
      url: 'javascript:alert(1)',
    });
    expect(wrong.code).toBe('invalid_input');
    const url = 'https://social.example/@council/1';
    expect(await callOk(h.core, 'queue.resolve', { deliveryId: id, outcome: 'sent', url })).toMatchObject({
      status: 'delivered',
      externalUrl: url,
      lastError: null,
    });
    const history = (await callOk(h.core, 'queue.get', { publicationId: unconfirmed.publicationId })).history;
    expect(history.at(-1)).toMatchObject({
      event: 'resolve_sent',
      actor: `person:${(h.core as unknown as { userId: string }).userId}`,
      toStatus: 'delivered',
    });
    expect(h.logs.some((l) => l.message === 'A person changed a delivery')).toBe(true);
    expect((await callError(h.core, 'queue.resolve', { deliveryId: id, outcome: 'send_again' })).code).toBe('conflict');
  });

  it('sends an unconfirmed delivery again when a person says so', async () => {
    const h = await open();
    const target = await h.target();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave((r) => (r.nth === 1 ? { kind: 'drop', stored: false } : { kind: 'ok' }));
    (await h.worker()).start();
    await h.waitFor(id, 'unconfirmed');
    expect(await callOk(h.core, 'queue.resolve', { deliveryId: id, outcome: 'send_again' })).toMatchObject({
      status: 'queued',
    });
    const done = await h.waitFor(id, 'delivered');
    expect(done.attempts).toBe(2);
    expect(h.sink.requestsFor(id)).toHaveLength(2);
    expect(h.sink.postsFor(id)).toHaveLength(1);
  });

  it('treats a channel that does not answer in time as unconfirmed', async () => {
    const h = await open();
    const target = await h.target(undefined, 'Slow', { url: h.sink.url, timeoutMs: 200 });
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'hang' }));
    (await h.worker()).start();
    const unconfirmed = await h.waitFor(id, 'unconfirmed');
    expect(unconfirmed.lastError?.message).toBe(
      'The test sink did not answer in time, so it is not known whether the update went out.',
    );
    h.sink.releaseHung();
  });

  it('settles unknown outcomes by looking them up, where the channel can', async () => {
    const h = await open();
    const target = await h.target(LOOKUP_SINK_KIND);
    const stored = (await h.publish([target])).deliveries[0]?.id ?? '';
    const lost = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave((r) => (r.nth > 1 ? { kind: 'ok' } : { kind: 'drop', stored: r.deliveryId === stored }));
    (await h.worker()).start();

    // It went out: the look-up finds it, and it is not sent again.
    const found = await h.waitFor(stored, 'delivered');
    expect(found.externalUrl).toBe(h.sink.postsFor(stored)[0]?.url);
    expect(h.sink.requestsFor(stored)).toHaveLength(1);
    // It demonstrably did not: sent again, once.
    await h.waitFor(lost, 'delivered');
    expect(h.sink.requestsFor(lost)).toHaveLength(2);
    expect(h.sink.postsFor(lost)).toHaveLength(1);
    const events = (await callOk(h.core, 'queue.get', { publicationId: found.publicationId })).history.map(
      (e) => e.event,
    );
    expect(events).toEqual(['publish', 'claim', 'unknown_outcome', 'lookup_found']);
  });

  it('makes a send whose worker stopped renewing its lease unconfirmed, and never sends it again', async () => {
    const h = await open();
    const target = await h.target();
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'hang' }));
    const stalled = await h.worker({ leaseMs: 1000 });
    await stalled.runOnce();
    await eventually('the send reaches the channel', () => h.sink.requests.length === 1);

    // Another worker whose clock is a minute on: for it, the first worker's lease ran out long ago.
    const later = await h.worker({ now: () => new Date(Date.now() + 60_000), ownPool: true });
    later.start();
    const unconfirmed = await h.waitFor(id, 'unconfirmed');
    expect(unconfirmed.lastError).toMatchObject({ kind: 'lease_expired' });
    const detail = await callOk(h.core, 'queue.get', { publicationId: unconfirmed.publicationId });
    expect(detail.attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'lease_expired', worker: stalled.id }),
    ]);
    await sleep(200);
    expect(h.sink.requests).toHaveLength(1);

    // The first worker's answer finally arrives: it went out, so the delivery is settled, still sent once.
    h.sink.releaseHung();
    const settled = await h.waitFor(id, 'delivered');
    expect(settled.externalUrl).toBe(h.sink.posts[0]?.url);
    expect(h.sink.posts).toHaveLength(1);
    expect(h.logs.some((l) => l.message === 'A send finished after its lease was lost')).toBe(true);
  });

  it('sends again under the same key when the channel ignores repeats, so it is published once', async () => {
    const h = await open();
    const target = await h.target(IDEMPOTENT_SINK_KIND);
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'hang' }));
    const stalled = await h.worker({ leaseMs: 1000 });
    await stalled.runOnce();
    await eventually('the send reaches the channel', () => h.sink.requests.length === 1);
    (await h.worker({ now: () => new Date(Date.now() + 60_000), ownPool: true })).start();
    await h.waitFor(id, 'delivered');
    expect(h.sink.requestsFor(id).map((r) => r.idempotencyKey)).toEqual([
      h.sink.requests[0]?.idempotencyKey,
      h.sink.requests[0]?.idempotencyKey,
    ]);
    expect(h.sink.posts).toHaveLength(1);
    h.sink.releaseHung();
  });

  it('stops after finishing the send in flight, and gives back claims it had not started', async () => {
    const h = await open();
    const target = await h.target();
    const inFlight = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'delay', ms: 400 }));
    const worker = await h.worker();
    worker.start();
    await eventually('the send reaches the channel', () => h.sink.requests.length === 1);
    await worker.stop();
    // stop() resolved only after the answer came back and was recorded.
    expect((await h.delivery(inFlight)).status).toBe('delivered');

    // Claims made just before stop() are handed back untouched: queued, no attempt used, no lease.
    const waiting = await Promise.all([1, 2, 3].map(async () => (await h.publish([target])).deliveries[0]?.id ?? ''));
    const second = await h.worker();
    const started = await second.runOnce();
    expect(started).toBe(3);
    await second.stop();
    const after = await Promise.all(waiting.map((id) => h.delivery(id)));
    const released = after.filter((d) => d.status === 'queued');
    for (const d of released) expect(d).toMatchObject({ attempts: 0 });
    for (const d of after.filter((x) => x.status !== 'queued')) expect(d.status).toBe('delivered');
    expect(released).toHaveLength(3);
    expect(h.sink.requests.length - 1 + released.length).toBe(3);
    expect(
      await h.db.one(`SELECT count(*) AS n FROM deliveries WHERE status = 'sending' OR lease_owner IS NOT NULL`),
    ).toEqual({ n: 0 });
    const attempts = await h.db.one('SELECT count(*) AS n FROM delivery_attempts WHERE finished_at IS NULL');
    expect(Number(attempts?.n)).toBe(0);
  });
});
