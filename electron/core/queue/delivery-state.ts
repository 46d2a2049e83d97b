import type { DeliveryErrorKind, DeliveryStatus } from '../../../shared/domain/queue.ts';

/**
 * The delivery state machine: a pure reducer, tested as a transition table
 * (tests/unit/queue/delivery-state.test.ts). Every status change of a
 * delivery, by the worker or by a person, goes through `deliveryReducer`;
 * I/O (the database write, the timers) happens in its callers.
 *
 *   scheduled ─due→ queued ─claim→ sending ─succeeded→ delivered
 *   sending ─retryable_error→ retry_wait ─due→ queued       (or → failed once the attempts run out)
 *   sending ─offline→ retry_wait                              (never failed: it waits for the network)
 *   sending ─permanent_error→ failed ─retry→ queued
 *   sending ─auth_error→ needs_reauth ─retry→ queued
 *   sending ─unknown_outcome | lease_expired(non-idempotent)→ unconfirmed
 *   unconfirmed ─resolve_sent | lookup_found→ delivered;  ─resolve_send_again | lookup_absent→ queued
 *   sending ─lease_expired(idempotent) | release→ queued      (a repeat is harmless / nothing was sent)
 *   scheduled | queued | retry_wait | needs_reauth | failed ─cancel→ cancelled
 *   delivered ─retract→ delivered, marked retracted (the channel removed it; a second retract is refused)
 *
 * `scheduled` exists so a publication set for later is visible as such; a
 * delivery waiting on another delivery stays `queued` (the claim skips it
 * until its dependency is delivered), so no `waiting` state is needed.
 */

export type DeliveryState = {
  status: DeliveryStatus;
  /** Sends started, counting the one in progress. */
  attempts: number;
  /** A retryable error on this attempt number or later fails the delivery. */
  attemptLimit: number;
  /** When a person had it removed from the channel (a delivered delivery only); absent or null if never. */
  retractedAt?: string | null;
};

export type DeliveryEvent =
  | { type: 'due' }
  | { type: 'claim' }
  | { type: 'release' }
  | { type: 'succeeded'; externalId: string | null; externalUrl: string | null }
  | { type: 'retryable_error'; message: string; afterMs?: number }
  | { type: 'offline'; message: string; afterMs?: number }
  | { type: 'permanent_error'; reason: string; field?: string }
  | { type: 'auth_error'; message: string }
  | { type: 'unknown_outcome'; message: string }
  | { type: 'lease_expired'; idempotent: boolean }
  | { type: 'lookup_found'; externalId: string | null; externalUrl: string | null }
  | { type: 'lookup_absent' }
  | { type: 'cancel' }
  /**
   * A person cancelled a delivery that had already gone to a platform that
   * publishes at the scheduled time itself (a WordPress `future` post), and
   * the channel withdrew it (to the trash) before that time.
   */
  | { type: 'withdrawn' }
  | { type: 'retry' }
  | { type: 'resolve_sent'; url: string }
  | { type: 'resolve_send_again' }
  | { type: 'retract' };

export type DeliveryEventType = DeliveryEvent['type'];

/** When the worker may act next: at once, after a back-off, when a status look-up can run, or only when a person acts. */
export type NextAttempt =
  { at: 'now' } | { at: 'backoff'; minMs: number } | { at: 'lookup' } | { at: 'none' } | { at: 'unchanged' };

/** An error as the reducer describes it; the caller stamps the time. */
export type DeliveryErrorInfo = { kind: DeliveryErrorKind; message: string; nextStep: string; field?: string };

export type DeliveryTransition = {
  ok: true;
  status: DeliveryStatus;
  attempts: number;
  attemptLimit: number;
  next: NextAttempt;
  /** Whether the worker keeps its lease (only while sending). */
  lease: 'hold' | 'release';
  /** `undefined` keeps the last error; `null` clears it. */
  error: DeliveryErrorInfo | null | undefined;
  /** Where it was published, when this step learned it. */
  external?: { id: string | null; url: string | null };
  /**
   * The channel removed what was published (issue 7). The status stays
   * `delivered` (it did go out, and the overall status says so); the
   * removal is recorded beside it as `retracted_at` and in the history.
   */
  retracted?: true;
};

export type DeliveryRefusal = {
  ok: false;
  code: 'invalid_transition';
  from: DeliveryStatus;
  event: DeliveryEventType;
  message: string;
};

export type QueuePolicy = { maxAttempts: number };
export const DEFAULT_QUEUE_POLICY: QueuePolicy = { maxAttempts: 5 };

const LABELS: Record<DeliveryStatus, string> = {
  scheduled: 'scheduled for later',
  queued: 'waiting to be sent',
  sending: 'being sent right now',
  delivered: 'already delivered',
  retry_wait: 'waiting to try again',
  failed: 'failed',
  needs_reauth: 'waiting for the channel to be reconnected',
  unconfirmed: 'unconfirmed (nobody knows yet whether it went out)',
  cancelled: 'cancelled',
};

/** A plain-English name for a status, for messages. */
export function describeDeliveryStatus(status: DeliveryStatus): string {
  return LABELS[status];
}

const NEXT_STEP = {
  automatic: 'Town Crier will try again automatically.',
  offline: 'Town Crier will try again when the connection is back.',
  reconnect: 'Reconnect this channel, then choose Retry.',
  fix: 'Fix the problem, then choose Retry.',
  retry: 'Choose Retry to try again.',
  check: 'Check the channel: if the update is there, choose "It went out"; if not, choose "Send again".',
  resend: 'Nothing to do: this channel ignores repeats, so Town Crier is sending it again.',
} as const;

function refusalMessage(from: DeliveryStatus, event: DeliveryEventType): string {
  const label = LABELS[from];
  switch (event) {
    case 'cancel':
      if (from === 'cancelled') return 'This delivery is already cancelled.';
      return from === 'unconfirmed'
        ? 'Nobody knows yet whether this delivery went out, so it cannot be cancelled. Check the channel and resolve it instead.'
        : `This delivery is ${label}, so it can no longer be cancelled.`;
    case 'retry':
      return `This delivery is ${label}. Only a failed delivery, or one waiting to retry or to be reconnected, can be retried.`;
    case 'resolve_sent':
    case 'resolve_send_again':
      return `This delivery is ${label}. Only a delivery whose outcome is unknown can be resolved.`;
    case 'retract':
      return `This delivery is ${label}. Only a delivered update can be removed from a channel.`;
    default:
      return `A delivery that is ${label} cannot take the "${event}" step.`;
  }
}

const refuse = (from: DeliveryStatus, event: DeliveryEventType): DeliveryRefusal => ({
  ok: false,
  code: 'invalid_transition',
  from,
  event,
  message: refusalMessage(from, event),
});

/** Moves `state` by `event`. Never throws: a step that is not allowed from the current status returns a refusal. */
export function deliveryReducer(
  state: DeliveryState,
  event: DeliveryEvent,
  policy: QueuePolicy = DEFAULT_QUEUE_POLICY,
): DeliveryTransition | DeliveryRefusal {
  const { status: from, attempts, attemptLimit } = state;
  const to = (
    status: DeliveryStatus,
    next: NextAttempt,
    error: DeliveryErrorInfo | null | undefined,
    extra: Partial<Pick<DeliveryTransition, 'attempts' | 'attemptLimit' | 'external' | 'retracted'>> = {},
  ): DeliveryTransition => ({
    ok: true,
    status,
    attempts,
    attemptLimit,
    next,
    lease: status === 'sending' ? 'hold' : 'release',
    error,
    ...extra,
  });
  /** A person (or a look-up) decided it should go out again: it gets a fresh round of attempts. */
  const freshRound = { attemptLimit: attempts + policy.maxAttempts };
  const fromAny = (...allowed: DeliveryStatus[]) => allowed.includes(from);

  switch (event.type) {
    case 'due':
      return fromAny('scheduled', 'retry_wait')
        ? to('queued', { at: 'unchanged' }, undefined)
        : refuse(from, event.type);
    case 'claim':
      return from === 'queued'
        ? to('sending', { at: 'none' }, undefined, { attempts: attempts + 1 })
        : refuse(from, event.type);
    case 'release':
      // The worker stopped before calling the channel: the attempt never happened.
      return from === 'sending'
        ? to('queued', { at: 'now' }, undefined, { attempts: Math.max(0, attempts - 1) })
        : refuse(from, event.type);
    case 'succeeded':
      return from === 'sending'
        ? to('delivered', { at: 'none' }, null, { external: { id: event.externalId, url: event.externalUrl } })
        : refuse(from, event.type);
    case 'retryable_error':
      if (from !== 'sending') return refuse(from, event.type);
      if (attempts >= attemptLimit) {
        return to(
          'failed',
          { at: 'none' },
          {
            kind: 'gave_up',
            message: `Gave up after ${attempts} attempts. The last error was: ${event.message}`,
            nextStep: NEXT_STEP.retry,
          },
        );
      }
      return to(
        'retry_wait',
        { at: 'backoff', minMs: event.afterMs ?? 0 },
        {
          kind: 'retryable',
          message: event.message,
          nextStep: NEXT_STEP.automatic,
        },
      );
    case 'offline':
      // Being offline never uses up an attempt, so it can never fail a delivery.
      return from === 'sending'
        ? to(
            'retry_wait',
            { at: 'backoff', minMs: event.afterMs ?? 0 },
            { kind: 'offline', message: event.message, nextStep: NEXT_STEP.offline },
            { attemptLimit: attemptLimit + 1 },
          )
        : refuse(from, event.type);
    case 'permanent_error':
      return from === 'sending'
        ? to(
            'failed',
            { at: 'none' },
            {
              kind: 'rejected',
              message: event.reason,
              nextStep: NEXT_STEP.fix,
              ...(event.field === undefined ? {} : { field: event.field }),
            },
          )
        : refuse(from, event.type);
    case 'auth_error':
      return from === 'sending'
        ? to('needs_reauth', { at: 'none' }, { kind: 'auth', message: event.message, nextStep: NEXT_STEP.reconnect })
        : refuse(from, event.type);
    case 'unknown_outcome':
      return from === 'sending'
        ? to(
            'unconfirmed',
            { at: 'lookup' },
            {
              kind: 'unknown_outcome',
              message: event.message,
              nextStep: NEXT_STEP.check,
            },
          )
        : refuse(from, event.type);
    case 'lease_expired':
      if (from !== 'sending') return refuse(from, event.type);
      return event.idempotent
        ? to(
            'queued',
            { at: 'now' },
            {
              kind: 'lease_expired',
              message: 'The worker stopped while sending.',
              nextStep: NEXT_STEP.resend,
            },
          )
        : to(
            'unconfirmed',
            { at: 'lookup' },
            {
              kind: 'lease_expired',
              message: 'The worker stopped while sending, so Town Crier cannot tell whether the update went out.',
              nextStep: NEXT_STEP.check,
            },
          );
    case 'lookup_found':
      return from === 'unconfirmed'
        ? to('delivered', { at: 'none' }, null, { external: { id: event.externalId, url: event.externalUrl } })
        : refuse(from, event.type);
    case 'lookup_absent':
      return from === 'unconfirmed' ? to('queued', { at: 'now' }, null, freshRound) : refuse(from, event.type);
    case 'cancel':
      return fromAny('scheduled', 'queued', 'retry_wait', 'needs_reauth', 'failed')
        ? to('cancelled', { at: 'none' }, undefined)
        : refuse(from, event.type);
    case 'withdrawn':
      return from === 'delivered' ? to('cancelled', { at: 'none' }, undefined) : refuse(from, event.type);
    case 'retry':
      return fromAny('failed', 'needs_reauth', 'retry_wait')
        ? to('queued', { at: 'now' }, null, freshRound)
        : refuse(from, event.type);
    case 'resolve_sent':
      return from === 'unconfirmed'
        ? to('delivered', { at: 'none' }, null, { external: { id: null, url: event.url } })
        : refuse(from, event.type);
    case 'resolve_send_again':
      return from === 'unconfirmed' ? to('queued', { at: 'now' }, null, freshRound) : refuse(from, event.type);
    case 'retract':
      if (from !== 'delivered') return refuse(from, event.type);
      if (state.retractedAt) {
        return {
          ok: false,
          code: 'invalid_transition',
          from,
          event: event.type,
          message: 'This delivery was already removed from the channel.',
        };
      }
      return to('delivered', { at: 'none' }, undefined, { retracted: true });
    default: {
      // Compile-time exhaustiveness; at run time an unknown event is refused like any other bad step.
      const unknown: never = event;
      return refuse(from, (unknown as { type: DeliveryEventType }).type);
    }
  }
}
