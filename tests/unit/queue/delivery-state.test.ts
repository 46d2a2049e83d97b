import { describe, expect, it } from 'vitest';
import { DeliveryStatus } from '../../../shared/domain/queue.ts';
import {
  deliveryReducer,
  type DeliveryEvent,
  type DeliveryState,
  type DeliveryTransition,
} from '../../../electron/core/queue/delivery-state.ts';

/**
 * The state machine as a transition table: every status × every event, with
 * the status it leads to or `—` for a refusal. A change to the machine has
 * to change this table.
 */

const EVENTS = {
  due: { type: 'due' },
  claim: { type: 'claim' },
  release: { type: 'release' },
  succeeded: { type: 'succeeded', externalId: 'p1', externalUrl: 'https://example.gov.uk/p1' },
  retryable_error: { type: 'retryable_error', message: 'HTTP 503', afterMs: 2000 },
  offline: { type: 'offline', message: 'ECONNREFUSED' },
  permanent_error: { type: 'permanent_error', reason: 'Too long', field: 'text' },
  auth_error: { type: 'auth_error', message: 'Token revoked' },
  unknown_outcome: { type: 'unknown_outcome', message: 'Timed out' },
  lease_expired_idempotent: { type: 'lease_expired', idempotent: true },
  lease_expired: { type: 'lease_expired', idempotent: false },
  lookup_found: { type: 'lookup_found', externalId: 'p1', externalUrl: 'https://example.gov.uk/p1' },
  lookup_absent: { type: 'lookup_absent' },
  cancel: { type: 'cancel' },
  withdrawn: { type: 'withdrawn' },
  retry: { type: 'retry' },
  resolve_sent: { type: 'resolve_sent', url: 'https://x.example/status/1' },
  resolve_send_again: { type: 'resolve_send_again' },
  retract: { type: 'retract' },
} satisfies Record<string, DeliveryEvent>;

type EventName = keyof typeof EVENTS;
const _ = '—' as const;
type Cell = DeliveryStatus | typeof _;

// prettier-ignore
const COLUMNS: EventName[] = ['due', 'claim', 'release', 'succeeded', 'retryable_error', 'offline', 'permanent_error',
  'auth_error', 'unknown_outcome', 'lease_expired_idempotent', 'lease_expired', 'lookup_found', 'lookup_absent',
  'cancel', 'retry', 'resolve_sent', 'resolve_send_again', 'withdrawn', 'retract'];

// prettier-ignore
const TABLE: Record<DeliveryStatus, Cell[]> = {
  //             due       claim      release   succeeded    retryable     offline       permanent auth            unknown        lease(idem) lease       found        absent    cancel       retry     sent         again    withdrawn  retract
  scheduled:    ['queued', _,         _,        _,           _,            _,            _,        _,              _,             _,          _,          _,           _,        'cancelled', _,        _,           _, _, _],
  queued:       [_,        'sending', _,        _,           _,            _,            _,        _,              _,             _,          _,          _,           _,        'cancelled', _,        _,           _, _, _],
  sending:      [_,        _,         'queued', 'delivered', 'retry_wait', 'retry_wait', 'failed', 'needs_reauth', 'unconfirmed', 'queued',   'unconfirmed', _,        _,        _,           _,        _,           _, _, _],
  delivered:    [_,        _,         _,        _,           _,            _,            _,        _,              _,             _,          _,          _,           _,        _,           _,        _,           _, 'cancelled', 'delivered'],
  retry_wait:   ['queued', _,         _,        _,           _,            _,            _,        _,              _,             _,          _,          _,           _,        'cancelled', 'queued', _,           _, _, _],
  failed:       [_,        _,         _,        _,           _,            _,            _,        _,              _,             _,          _,          _,           _,        'cancelled', 'queued', _,           _, _, _],
  needs_reauth: [_,        _,         _,        _,           _,            _,            _,        _,              _,             _,          _,          _,           _,        'cancelled', 'queued', _,           _, _, _],
  unconfirmed:  [_,        _,         _,        _,           _,            _,            _,        _,              _,             _,          _,          'delivered', 'queued', _,           _,        'delivered', 'queued', _, _],
  cancelled:    [_,        _,         _,        _,           _,            _,            _,        _,              _,             _,          _,          _,           _,        _,           _,        _,           _, _, _],
};

const state = (status: DeliveryStatus, attempts = 1, attemptLimit = 5): DeliveryState => ({
  status,
  attempts,
  attemptLimit,
});

const cases = DeliveryStatus.options.flatMap((from) =>
  COLUMNS.map((event, i) => ({ from, event, expected: TABLE[from][i] as Cell })),
);

describe('delivery state machine: transition table', () => {
  it('has a row for every status and a cell for every event', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...DeliveryStatus.options].sort());
    for (const row of Object.values(TABLE)) expect(row).toHaveLength(COLUMNS.length);
    expect(cases).toHaveLength(DeliveryStatus.options.length * COLUMNS.length);
  });

  it.each(cases)('$from + $event → $expected', ({ from, event, expected }) => {
    const result = deliveryReducer(state(from), EVENTS[event]);
    if (expected === _) {
      expect(result).toMatchObject({ ok: false, code: 'invalid_transition', from, event: EVENTS[event].type });
      if (!result.ok) expect(result.message).toMatch(/^[A-Z].+\.$/);
    } else {
      expect(result).toMatchObject({ ok: true, status: expected });
    }
  });

  it('never throws, even for an event it does not know', () => {
    const bogus = { type: 'explode' } as unknown as DeliveryEvent;
    for (const from of DeliveryStatus.options) {
      expect(deliveryReducer(state(from), bogus)).toMatchObject({ ok: false, from, event: 'explode' });
    }
  });
});

const ok = (result: ReturnType<typeof deliveryReducer>): DeliveryTransition => {
  if (!result.ok) throw new Error(`Expected a transition, got a refusal: ${result.message}`);
  return result;
};

describe('delivery state machine: what each step writes', () => {
  it('counts an attempt on claim and holds the lease only while sending', () => {
    const claimed = ok(deliveryReducer(state('queued', 0), EVENTS.claim));
    expect(claimed).toMatchObject({ attempts: 1, lease: 'hold', next: { at: 'none' } });
    expect(ok(deliveryReducer(state('sending'), EVENTS.succeeded)).lease).toBe('release');
    expect(ok(deliveryReducer(state('sending'), EVENTS.unknown_outcome)).lease).toBe('release');
  });

  it('gives back the attempt when a claim is released before the send started', () => {
    expect(ok(deliveryReducer(state('sending', 3), EVENTS.release))).toMatchObject({
      status: 'queued',
      attempts: 2,
      next: { at: 'now' },
    });
  });

  it('waits at least what the channel asked for after a retryable error', () => {
    expect(ok(deliveryReducer(state('sending', 1), EVENTS.retryable_error))).toMatchObject({
      status: 'retry_wait',
      next: { at: 'backoff', minMs: 2000 },
      error: { kind: 'retryable', message: 'HTTP 503' },
    });
  });

  it('fails with the reason once the attempts run out', () => {
    const result = ok(deliveryReducer(state('sending', 5, 5), EVENTS.retryable_error));
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      kind: 'gave_up',
      message: 'Gave up after 5 attempts. The last error was: HTTP 503',
    });
    expect(ok(deliveryReducer(state('sending', 4, 5), EVENTS.retryable_error)).status).toBe('retry_wait');
  });

  it('never fails a delivery for being offline, however many attempts it took', () => {
    let s = state('sending', 1, 2);
    for (let i = 0; i < 20; i++) {
      const waited = ok(deliveryReducer(s, EVENTS.offline));
      expect(waited).toMatchObject({ status: 'retry_wait', error: { kind: 'offline' } });
      const queued = ok(
        deliveryReducer({ ...s, status: waited.status, attemptLimit: waited.attemptLimit }, EVENTS.due),
      );
      const sending = ok(
        deliveryReducer({ ...s, status: queued.status, attemptLimit: waited.attemptLimit }, EVENTS.claim),
      );
      s = { status: sending.status, attempts: sending.attempts, attemptLimit: sending.attemptLimit };
    }
    // The budget of real errors is untouched: one retryable error still only waits.
    expect(ok(deliveryReducer(s, EVENTS.retryable_error)).status).toBe('retry_wait');
  });

  it('records a permanent rejection with its reason and field', () => {
    expect(ok(deliveryReducer(state('sending'), EVENTS.permanent_error)).error).toEqual({
      kind: 'rejected',
      message: 'Too long',
      field: 'text',
      nextStep: 'Fix the problem, then choose Retry.',
    });
  });

  it('sends an unknown outcome to a person, or to a look-up where the channel has one', () => {
    expect(ok(deliveryReducer(state('sending'), EVENTS.unknown_outcome))).toMatchObject({
      status: 'unconfirmed',
      next: { at: 'lookup' },
      error: { kind: 'unknown_outcome' },
    });
    expect(ok(deliveryReducer(state('sending'), EVENTS.lease_expired))).toMatchObject({
      status: 'unconfirmed',
      error: { kind: 'lease_expired' },
    });
    expect(ok(deliveryReducer(state('sending'), EVENTS.lease_expired_idempotent))).toMatchObject({
      status: 'queued',
      next: { at: 'now' },
    });
  });

  it('gives a fresh round of attempts when a person retries or sends again', () => {
    expect(ok(deliveryReducer(state('failed', 5, 5), EVENTS.retry))).toMatchObject({
      status: 'queued',
      attempts: 5,
      attemptLimit: 10,
      error: null,
      next: { at: 'now' },
    });
    expect(ok(deliveryReducer(state('unconfirmed', 2, 5), EVENTS.resolve_send_again)).attemptLimit).toBe(7);
    expect(ok(deliveryReducer(state('failed', 1, 5), EVENTS.retry, { maxAttempts: 3 })).attemptLimit).toBe(4);
  });

  it('keeps where it was published', () => {
    expect(ok(deliveryReducer(state('sending'), EVENTS.succeeded)).external).toEqual({
      id: 'p1',
      url: 'https://example.gov.uk/p1',
    });
    expect(ok(deliveryReducer(state('unconfirmed'), EVENTS.resolve_sent)).external).toEqual({
      id: null,
      url: 'https://x.example/status/1',
    });
  });

  it('records a retraction beside the delivered status, once', () => {
    const retracted = ok(deliveryReducer(state('delivered'), EVENTS.retract));
    expect(retracted).toMatchObject({ status: 'delivered', retracted: true, next: { at: 'none' }, lease: 'release' });
    // The last error and the published address are left as they were.
    expect(retracted.error).toBeUndefined();
    expect(retracted.external).toBeUndefined();
    const again = deliveryReducer({ ...state('delivered'), retractedAt: '2026-11-27T01:00:00.000Z' }, EVENTS.retract);
    expect(again).toMatchObject({ ok: false, message: 'This delivery was already removed from the channel.' });
    // A retracted delivery takes no other step either: it is still delivered, which takes none.
    expect(deliveryReducer({ ...state('delivered'), retractedAt: '2026-11-27T01:00:00.000Z' }, EVENTS.retry).ok).toBe(
      false,
    );
  });

  it('explains refusals in plain English', () => {
    const refusal = (from: DeliveryStatus, event: EventName) => {
      const r = deliveryReducer(state(from), EVENTS[event]);
      return r.ok ? '' : r.message;
    };
    expect(refusal('sending', 'cancel')).toBe(
      'This delivery is being sent right now, so it can no longer be cancelled.',
    );
    expect(refusal('unconfirmed', 'cancel')).toMatch(/Check the channel and resolve it/);
    expect(refusal('delivered', 'retry')).toMatch(/^This delivery is already delivered\. Only a failed delivery/);
    expect(refusal('failed', 'resolve_sent')).toMatch(/Only a delivery whose outcome is unknown can be resolved/);
    expect(refusal('sending', 'retract')).toBe(
      'This delivery is being sent right now. Only a delivered update can be removed from a channel.',
    );
  });
});
