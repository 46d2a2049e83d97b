import { afterEach, describe, expect, it } from 'vitest';
import { IDEMPOTENT_SINK_KIND } from '../../support/http-sink-channel.ts';
import { callError, createScope, ENGINES, eventually, openQueueHarness, usePostgres } from './queue-harness.ts';

/**
 * Found by the crash soak: a delivery to a channel that ignores repeats, whose
 * worker died mid-send, is queued again under the same key. It may already be
 * published, so a person's Cancel is refused (it would show "cancelled" for a
 * post that is out); the re-send settles it.
 */

const postgres = usePostgres();

describe.each(ENGINES)('cancelling after a crash on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  it('refuses to cancel a re-queued send that may have gone out, and the re-send delivers it once', async () => {
    const h = await openQueueHarness(scope, engine, postgres);
    const target = await h.target(IDEMPOTENT_SINK_KIND);
    const id = (await h.publish([target])).deliveries[0]?.id ?? '';
    h.sink.behave(() => ({ kind: 'hang' }));
    const stalled = await h.worker({ leaseMs: 1000 });
    await stalled.runOnce();
    await eventually('the send reaches the channel', () => h.sink.requests.length === 1);

    // Another worker, a minute on, finds the lease expired and queues it again (and claims nothing yet).
    const later = () => new Date(Date.now() + 60_000);
    const reaper = await h.worker({ now: later, ownPool: true, maxConcurrent: 0 });
    await reaper.runOnce();
    expect(await h.delivery(id)).toMatchObject({ status: 'queued', lastError: { kind: 'lease_expired' } });

    expect(await callError(h.core, 'queue.cancel', { deliveryId: id })).toEqual({
      code: 'conflict',
      message:
        'This delivery may already have gone out (the worker stopped while sending it), so it can no longer be cancelled. This channel ignores repeats, so Town Crier is sending it again to be sure.',
    });
    expect((await h.delivery(id)).status).toBe('queued');

    (await h.worker({ now: later, ownPool: true })).start();
    await h.waitFor(id, 'delivered');
    expect(h.sink.requestsFor(id)).toHaveLength(2);
    expect(h.sink.postsFor(id)).toHaveLength(1);
    h.sink.releaseHung();
  });
});
