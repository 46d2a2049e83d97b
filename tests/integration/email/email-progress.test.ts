import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, isSharedEvent } from '../../../electron/core/event-relay.ts';
import { startSmtpSink } from '../../support/smtp-sink.ts';
import { callOk } from '../store/store-suite.ts';
import { emailStores, ENGINES } from './email-store.ts';
import { openEmailHarness } from './email-harness.ts';

/**
 * The fan-out's progress hints: `email.send.progress` at most twice a second
 * however fast the send, once more at the end of each pass, shared with other
 * processes by the event relay; and a person's pause, resume or cancel
 * announces itself the same way, so every open publication page refetches.
 */
const stores = emailStores();
const PEOPLE = Array.from({ length: 40 }, (_, i) => `person${i}@example.org`);

describe.each(ENGINES)('email send progress on $engine', ({ engine }) => {
  it('is announced at most twice a second, and at the end of the send', { timeout: 90_000 }, async () => {
    const { dataDir, databaseUrl } = await stores.open(engine);
    const sink = await startSmtpSink({});
    const h = await openEmailHarness({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
    try {
      const list = await h.list('Roads', PEOPLE);
      // 20 a second for 40 people: about two seconds of sending, so several hints.
      const target = await h.target(sink.port, [list.id], { messagesPerSecond: 20, maxConnections: 2 });
      const hints: { id: string; at: number }[] = [];
      h.worker({ onProgress: (id) => hints.push({ id, at: Date.now() }) });
      const { deliveryId } = await h.publish(target.id);
      await h.waitFor(deliveryId, ['delivered'], 60_000);
      expect(hints.length).toBeGreaterThanOrEqual(2);
      expect(new Set(hints.map((x) => x.id))).toEqual(new Set([deliveryId]));
      // Throttled: apart from the one that ends a pass, no two are closer than half a second.
      const gaps = hints.slice(1, -1).map((x, i) => x.at - (hints[i]?.at ?? 0));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(490);
      const status = await callOk(h.core, 'email.send.status', { deliveryId });
      expect(status.counts.accepted).toBe(PEOPLE.length);
      // The screens poll this one: null (not an error) before a send starts.
      expect(await callOk(h.core, 'email.send.statusIfStarted', { deliveryId })).toEqual(status);
      expect(await callOk(h.core, 'email.send.statusIfStarted', { deliveryId: 'not-started' })).toBeNull();

      // A person's controls announce themselves on the core's bus: a second, slow send, paused and resumed.
      const slow = await h.target(sink.port, [list.id], { messagesPerSecond: 2, maxConnections: 1 });
      const second = await h.publish(slow.id, 'Second');
      const seen: string[] = [];
      const off = h.core.subscribe((e) => {
        if (e.name === 'email.send.progress' && e.payload.deliveryId === second.deliveryId) seen.push('hint');
      });
      await expect.poll(async () => (await h.core.call('email.send.pause', second)).ok, { timeout: 20_000 }).toBe(true);
      expect(seen).toEqual(['hint']);
      expect((await callOk(h.core, 'email.send.cancel', second)).state).toBe('cancelled');
      expect(seen).toEqual(['hint', 'hint']);
      off();
    } finally {
      await h.close();
      await sink.stop();
    }
  });
});

describe('the event relay', () => {
  it('carries email.send.progress between processes, with its schema checked', () => {
    const event = { name: 'email.send.progress' as const, payload: { deliveryId: 'd1' } };
    expect(isSharedEvent(event)).toBe(true);
    const text = encodeEnvelope('other-process', event);
    expect(text && decodeEnvelope(text, 'this-process')).toMatchObject({ kind: 'event', event });
    const forged = JSON.stringify({ origin: 'x', name: 'email.send.progress', payload: { deliveryId: '' } });
    expect(decodeEnvelope(forged, 'this-process')).toMatchObject({ kind: 'invalid' });
  });
});
