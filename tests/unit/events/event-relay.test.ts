import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  encodeEnvelope,
  isSharedEvent,
  MAX_ENVELOPE_BYTES,
} from '../../../electron/core/event-relay.ts';

const UPDATE_ID = '0b6f3c1e-8a4d-4c1b-9f0e-2d7a5b3c9e11';

describe('event envelopes between processes', () => {
  it('round-trips a shared event from another process', () => {
    const text = encodeEnvelope('a', { name: 'review.changed', payload: { updateId: UPDATE_ID } });
    expect(text).toBeDefined();
    expect(decodeEnvelope(text ?? '', 'b')).toEqual({
      kind: 'event',
      event: { name: 'review.changed', payload: { updateId: UPDATE_ID } },
    });
  });

  it('recognises its own envelope', () => {
    const text = encodeEnvelope('a', { name: 'review.changed', payload: { updateId: UPDATE_ID } }) ?? '';
    expect(decodeEnvelope(text, 'a')).toEqual({ kind: 'own' });
  });

  it('shares updates, deliveries, reviews and notifications, but not settings or menu commands', () => {
    expect(isSharedEvent({ name: 'notification.created', payload: { userId: UPDATE_ID } })).toBe(true);
    expect(isSharedEvent({ name: 'app.command', payload: { command: 'new-update' } })).toBe(false);
  });

  it('refuses to send an envelope over the size limit', () => {
    const huge = { id: UPDATE_ID, revision: 1, updatedAt: 'x'.repeat(MAX_ENVELOPE_BYTES) };
    expect(encodeEnvelope('a', { name: 'update.changed', payload: huge })).toBeUndefined();
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const text = JSON.stringify({ origin: 'b', name: 'review.changed', payload: { updateId: '£'.repeat(2100) } });
    expect(text.length).toBeLessThan(MAX_ENVELOPE_BYTES);
    expect(decodeEnvelope(text, 'a')).toEqual({ kind: 'invalid', reason: `larger than ${MAX_ENVELOPE_BYTES} bytes` });
  });
});
