import type { AttemptOutcome, DeliveryError, DeliveryStatus } from '../../../shared/domain/queue.ts';
import type { SqlExecutor } from '../store/sql.ts';
import { DELIVERY_COLUMNS, toDeliveryRecord, type DeliveryRecord } from './queue-rows.ts';

/**
 * Delivery state, leases and the attempt timeline. The claiming selects lock
 * what they return on PostgreSQL (`FOR UPDATE … SKIP LOCKED`, so concurrent
 * workers each get different rows and never wait for each other); on SQLite
 * the caller's `BEGIN IMMEDIATE` transaction already makes it the only
 * writer. Every write is also a compare-and-set on the status it read, so a
 * delivery can never move from a state it is no longer in.
 */

const FROM_DELIVERIES = 'FROM deliveries d JOIN channel_targets t ON t.id = d.target_id';

/** The statuses a claim takes from, once their time has come. */
const DUE_STATUSES = ['queued', 'scheduled', 'retry_wait'] as const;

/** The delivery statements over one executor: the store itself, or a transaction. */
export function createDeliveryRepository(db: SqlExecutor) {
  const skipLocked = db.engine === 'postgres' ? 'FOR UPDATE OF d SKIP LOCKED' : '';

  return {
    /** One delivery; `lock` holds it (PostgreSQL) until the transaction ends, for a person's action. */
    async get(id: string, options: { lock?: boolean } = {}): Promise<DeliveryRecord | undefined> {
      const lock = options.lock && db.engine === 'postgres' ? 'FOR UPDATE OF d' : '';
      const row = await db.one(`SELECT ${DELIVERY_COLUMNS} ${FROM_DELIVERIES} WHERE d.id = $1 ${lock}`, [id]);
      return row ? toDeliveryRecord(row) : undefined;
    },

    /**
     * Writes a delivery's new state if it is still in `expected.status` (and,
     * for a worker's outcome, still leased by `expected.leaseOwner`). False
     * when someone else moved it first.
     */
    async write(next: DeliveryRecord, expected: { status: DeliveryStatus; leaseOwner?: string }): Promise<boolean> {
      const params = [
        next.status,
        next.attempts,
        next.attemptLimit,
        next.nextAttemptAt,
        next.leaseOwner,
        next.leaseExpiresAt,
        next.lastError === null ? null : JSON.stringify(next.lastError),
        next.externalId,
        next.externalUrl,
        next.updatedAt,
        next.id,
        expected.status,
        next.retractedAt,
      ];
      const owned = expected.leaseOwner === undefined ? '' : 'AND lease_owner = $14';
      const { changes } = await db.run(
        `UPDATE deliveries SET status = $1, attempts = $2, attempt_limit = $3, next_attempt_at = $4,
           lease_owner = $5, lease_expires_at = $6, last_error = $7, external_id = $8, external_url = $9,
           updated_at = $10, retracted_at = $13
         WHERE id = $11 AND status = $12 ${owned}`,
        expected.leaseOwner === undefined ? params : [...params, expected.leaseOwner],
      );
      return changes === 1;
    },

    async insertHistory(entry: {
      deliveryId: string;
      at: string;
      actor: string;
      event: string;
      fromStatus: DeliveryStatus | null;
      toStatus: DeliveryStatus;
    }): Promise<void> {
      await db.run(
        `INSERT INTO delivery_history (delivery_id, at, actor, event, from_status, to_status)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [entry.deliveryId, entry.at, entry.actor, entry.event, entry.fromStatus, entry.toStatus],
      );
    },

    /**
     * Deliveries of one target that may be sent now: queued, or scheduled or
     * waiting to retry with their time come, of a publication that is approved
     * or urgent (never one still waiting for its approval), and not waiting on another
     * delivery that has not gone out yet (a cancelled website delivery no
     * longer holds the others: they go without its link). Oldest first.
     */
    async selectDue(targetId: string, now: string, limit: number): Promise<DeliveryRecord[]> {
      const sendable = (d: string) => `${d}.next_attempt_at <= $2
           AND EXISTS (SELECT 1 FROM publications p WHERE p.id = ${d}.publication_id
             AND p.authorisation IN ('approved', 'urgent'))
           AND (${d}.depends_on_delivery_id IS NULL OR EXISTS (
             SELECT 1 FROM deliveries dep WHERE dep.id = ${d}.depends_on_delivery_id
               AND dep.status IN ('delivered', 'cancelled')))`;
      if (db.engine === 'sqlite') {
        // SQLite cannot read `status IN (…)` from the (target, status, time) index in time order, so it sorted
        // every waiting delivery of the target on each claim (200 ms with 10,000 waiting). One ordered, limited
        // walk of the index per status, then the oldest of those, reads only the rows it returns.
        const oldest = (status: string) =>
          `SELECT id FROM (SELECT s.id FROM deliveries s WHERE s.target_id = $1 AND s.status = '${status}'
             AND ${sendable('s')} ORDER BY s.next_attempt_at, s.id LIMIT $3)`;
        const rows = await db.all(
          `SELECT ${DELIVERY_COLUMNS} ${FROM_DELIVERIES}
           WHERE d.id IN (${DUE_STATUSES.map(oldest).join(' UNION ALL ')})
           ORDER BY d.next_attempt_at, d.id LIMIT $3`,
          [targetId, now, limit],
        );
        return rows.map(toDeliveryRecord);
      }
      const rows = await db.all(
        `SELECT ${DELIVERY_COLUMNS} ${FROM_DELIVERIES}
         WHERE d.target_id = $1 AND d.status IN ('queued', 'scheduled', 'retry_wait') AND ${sendable('d')}
         ORDER BY d.next_attempt_at, d.id LIMIT $3 ${skipLocked}`,
        [targetId, now, limit],
      );
      return rows.map(toDeliveryRecord);
    },

    /** Sends whose worker stopped renewing its lease: it crashed, hung or lost the database. */
    async selectExpiredLeases(now: string, limit: number): Promise<DeliveryRecord[]> {
      const rows = await db.all(
        `SELECT ${DELIVERY_COLUMNS} ${FROM_DELIVERIES}
         WHERE d.status = 'sending' AND d.lease_expires_at < $1
         ORDER BY d.lease_expires_at, d.id LIMIT $2 ${skipLocked}`,
        [now, limit],
      );
      return rows.map(toDeliveryRecord);
    },

    /** Unconfirmed deliveries of the given kinds whose status look-up is due and not leased by anyone. */
    async selectLookupsDue(now: string, kinds: readonly string[], limit: number): Promise<DeliveryRecord[]> {
      if (kinds.length === 0) return [];
      const kindParams = kinds.map((_, i) => `$${i + 3}`).join(', ');
      const rows = await db.all(
        `SELECT ${DELIVERY_COLUMNS} ${FROM_DELIVERIES}
         WHERE d.status = 'unconfirmed' AND d.next_attempt_at <= $1
           AND (d.lease_expires_at IS NULL OR d.lease_expires_at < $1) AND t.kind IN (${kindParams})
         ORDER BY d.next_attempt_at, d.id LIMIT $2 ${skipLocked}`,
        [now, limit, ...kinds],
      );
      return rows.map(toDeliveryRecord);
    },

    /** Extends a lease the worker still holds; false when it has lost it (expired and taken over). */
    async renewLease(id: string, owner: string, until: string): Promise<boolean> {
      const { changes } = await db.run(
        `UPDATE deliveries SET lease_expires_at = $1 WHERE id = $2 AND lease_owner = $3 AND status = 'sending'`,
        [until, id, owner],
      );
      return changes === 1;
    },

    /** Leases an unconfirmed delivery for a status look-up (its status does not change). */
    async leaseForLookup(id: string, owner: string, until: string): Promise<boolean> {
      const { changes } = await db.run(
        `UPDATE deliveries SET lease_owner = $1, lease_expires_at = $2 WHERE id = $3 AND status = 'unconfirmed'`,
        [owner, until, id],
      );
      return changes === 1;
    },

    /** Gives a look-up lease back, with when to look again (null: leave it to a person). */
    async releaseLookup(id: string, owner: string, nextAttemptAt: string | null, now: string): Promise<void> {
      await db.run(
        `UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $1, updated_at = $2
         WHERE id = $3 AND lease_owner = $4 AND status = 'unconfirmed'`,
        [nextAttemptAt, now, id, owner],
      );
    },

    async insertAttempt(a: { deliveryId: string; attempt: number; worker: string; startedAt: string }): Promise<void> {
      await db.run('INSERT INTO delivery_attempts (delivery_id, attempt, worker, started_at) VALUES ($1, $2, $3, $4)', [
        a.deliveryId,
        a.attempt,
        a.worker,
        a.startedAt,
      ]);
    },

    /** Records how an attempt ended; an attempt already finished (by a lease reaper) is left as it is. */
    async finishAttempt(
      deliveryId: string,
      attempt: number,
      result: { finishedAt: string; outcome: AttemptOutcome; error: DeliveryError | null },
    ): Promise<void> {
      await db.run(
        `UPDATE delivery_attempts SET finished_at = $1, outcome = $2, error = $3
         WHERE delivery_id = $4 AND attempt = $5 AND finished_at IS NULL`,
        [
          result.finishedAt,
          result.outcome,
          result.error === null ? null : JSON.stringify(result.error),
          deliveryId,
          attempt,
        ],
      );
    },

    /** Removes an attempt that never reached the channel (released on stop). */
    async deleteAttempt(deliveryId: string, attempt: number): Promise<void> {
      await db.run('DELETE FROM delivery_attempts WHERE delivery_id = $1 AND attempt = $2 AND finished_at IS NULL', [
        deliveryId,
        attempt,
      ]);
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
