import { createAuditLog } from '../../audit/audit-log.ts';
import type { SystemActor } from '../../people/actor.ts';
import type { SqlDb, SqlExecutor, SqlValue } from '../../store/sql.ts';
import { isHardBounce } from './bounces.ts';

/**
 * The per-delivery recipients of an email send (migration 9), the only
 * database access the email fan-out has. Every write is batched: the
 * snapshot inserts a page of subscribers per transaction, and `commit`
 * records a group of results and claims a group of recipients in one
 * transaction, so no message costs a database round trip of its own.
 */

export const RECIPIENT_STATUSES = [
  'queued',
  'sending',
  'accepted',
  'deferred',
  'rejected',
  'unconfirmed',
  'skipped',
  'cancelled',
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
export type SendState = 'sending' | 'paused' | 'cancelled' | 'done';

export type Recipient = {
  subscriberId: string;
  listId: string;
  email: string;
  name: string | null;
  attempts: number;
};

/** How one message ended. `attempts` is the recipient's count including this one. */
export type RecipientResult = {
  subscriberId: string;
  status: 'accepted' | 'deferred' | 'rejected' | 'unconfirmed';
  code: number | null;
  reply: string | null;
  attempts: number;
  nextAttemptAt: string | null;
};

export type SendCounts = Record<RecipientStatus, number> & { total: number };

const CHUNK = 400;

/** Who marks an address bounced in the audit log: the relay's answer, not a person. */
export const BOUNCE_ACTOR: SystemActor = { kind: 'system', id: null, name: 'Email relay' };

/**
 * At the end of a send, marks the subscribers whose address the relay refused
 * as dead (`isHardBounce`) as `bounced`, with the relay's answer as the
 * reason and one audit line; suppressed addresses are never mailed again by
 * any list. It runs only when a send finishes: a relay that refuses everyone
 * pauses the send automatically first (the error-rate check), so a broken
 * relay cannot mark a whole list bounced.
 */
async function markHardBounces(tx: SqlExecutor, deliveryId: string, at: string): Promise<number> {
  const refused = await tx.all(
    `SELECT r.subscriber_id, r.smtp_code, r.smtp_reply FROM email_recipients r
     JOIN subscribers s ON s.id = r.subscriber_id
     WHERE r.delivery_id = $1 AND r.status = 'rejected' AND r.smtp_code >= 500 AND s.status = 'active'`,
    [deliveryId],
  );
  const marked: string[] = [];
  for (const r of refused) {
    const reply = r.smtp_reply === null ? null : String(r.smtp_reply);
    if (!isHardBounce(Number(r.smtp_code), reply)) continue;
    const { changes } = await tx.run(
      `UPDATE subscribers SET status = 'bounced', status_changed_at = $2, updated_at = $2, status_reason = $3
       WHERE id = $1 AND status = 'active'`,
      [
        String(r.subscriber_id),
        at,
        `The relay said this address cannot take mail: ${reply ?? r.smtp_code}`.slice(0, 500),
      ],
    );
    if (changes > 0) marked.push(String(r.subscriber_id));
  }
  if (marked.length > 0) {
    await createAuditLog({ now: () => new Date(at) }).record(tx, BOUNCE_ACTOR, {
      action: 'subscribers.bounced',
      subjectType: 'delivery',
      subjectId: deliveryId,
      details: { count: marked.length, subscriberIds: marked },
    });
  }
  return marked.length;
}

function placeholders(count: number, from: number): string {
  return Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createRecipientStore(db: SqlDb) {
  const listFilter = (listIds: readonly string[], from: number) => placeholders(listIds.length, from);

  async function snapshotPage(
    tx: SqlExecutor,
    deliveryId: string,
    listIds: readonly string[],
    after: string,
    limit: number,
    at: string,
  ): Promise<{ count: number; last: string | null }> {
    const ids = await tx.all(
      `SELECT s.id FROM subscribers s WHERE s.status = 'active' AND s.id > $1
         AND EXISTS (SELECT 1 FROM list_memberships m WHERE m.subscriber_id = s.id AND m.list_id IN (${listFilter(listIds, 3)}))
       ORDER BY s.id LIMIT $2`,
      [after, limit, ...listIds],
    );
    if (ids.length === 0) return { count: 0, last: null };
    const first = String(ids[0]?.id);
    const last = String(ids.at(-1)?.id);
    const lists = listFilter(listIds, 5);
    await tx.run(
      `INSERT INTO email_recipients (delivery_id, subscriber_id, list_id, email, name, status, attempts, updated_at)
       SELECT $1, s.id,
         (SELECT min(m.list_id) FROM list_memberships m WHERE m.subscriber_id = s.id AND m.list_id IN (${lists})),
         s.email, s.name, 'queued', 0, $2
       FROM subscribers s WHERE s.status = 'active' AND s.id >= $3 AND s.id <= $4
         AND EXISTS (SELECT 1 FROM list_memberships m WHERE m.subscriber_id = s.id AND m.list_id IN (${lists}))
       ON CONFLICT DO NOTHING`,
      [deliveryId, at, first, last, ...listIds],
    );
    return { count: ids.length, last };
  }

  return {
    async send(
      deliveryId: string,
    ): Promise<{ state: SendState; snapshotDone: boolean; pausedReason: string | null } | undefined> {
      const row = await db.one('SELECT state, snapshot_done, paused_reason FROM email_sends WHERE delivery_id = $1', [
        deliveryId,
      ]);
      if (!row) return undefined;
      return {
        state: String(row.state) as SendState,
        snapshotDone: Number(row.snapshot_done) === 1,
        pausedReason: row.paused_reason === null ? null : String(row.paused_reason),
      };
    },

    /**
     * Copies the active members of the lists into the delivery's recipients,
     * a page per transaction, from where a previous run stopped. An address on
     * two of the lists is one recipient. Resolves with the number of recipients.
     */
    async snapshot(deliveryId: string, listIds: readonly string[], at: string, pageSize = 2000): Promise<number> {
      await db.run(
        `INSERT INTO email_sends (delivery_id, state, snapshot_cursor, snapshot_done, created_at, updated_at)
         VALUES ($1, 'sending', '', 0, $2, $2) ON CONFLICT DO NOTHING`,
        [deliveryId, at],
      );
      for (;;) {
        const done = await db.transaction(async (tx) => {
          const row = await tx.one('SELECT snapshot_cursor, snapshot_done FROM email_sends WHERE delivery_id = $1', [
            deliveryId,
          ]);
          if (!row || Number(row.snapshot_done) === 1) return true;
          const page = await snapshotPage(tx, deliveryId, listIds, String(row.snapshot_cursor ?? ''), pageSize, at);
          const finished = page.count < pageSize;
          await tx.run(
            'UPDATE email_sends SET snapshot_cursor = $2, snapshot_done = $3, updated_at = $4 WHERE delivery_id = $1',
            [deliveryId, page.last ?? String(row.snapshot_cursor ?? ''), finished ? 1 : 0, at],
          );
          return finished;
        });
        if (done) break;
      }
      const total = await db.one('SELECT count(*) AS n FROM email_recipients WHERE delivery_id = $1', [deliveryId]);
      return Number(total?.n ?? 0);
    },

    /** Recipients left `sending` by a run that died: the end of their message may have gone, so never resent. */
    async settleInterrupted(deliveryId: string, at: string): Promise<number> {
      const { changes } = await db.run(
        `UPDATE email_recipients SET status = 'unconfirmed', updated_at = $2,
           smtp_reply = 'The send stopped after the end of this message was sent and before the relay answered.'
         WHERE delivery_id = $1 AND status = 'sending'`,
        [deliveryId, at],
      );
      return changes;
    },

    /** Due recipients after `afterId` in id order: queued ones, and deferred ones whose wait is over. */
    async due(deliveryId: string, afterId: string, limit: number, now: string): Promise<Recipient[]> {
      const rows = await db.all(
        `SELECT subscriber_id, list_id, email, name, attempts FROM email_recipients
         WHERE delivery_id = $1 AND subscriber_id > $2
           AND (status = 'queued' OR (status = 'deferred' AND next_attempt_at <= $3))
         ORDER BY subscriber_id LIMIT $4`,
        [deliveryId, afterId, now, limit],
      );
      return rows.map((r) => ({
        subscriberId: String(r.subscriber_id),
        listId: String(r.list_id),
        email: String(r.email),
        name: r.name === null ? null : String(r.name),
        attempts: Number(r.attempts),
      }));
    },

    /**
     * One group commit (committed with `durability: 'process'`: it survives kill -9 of the worker, not a power
     * cut in the next moments, when a few recipients could get a second copy). Records results, then claims recipients whose message
     * is about to be completed (status `sending`), but only those still
     * queued or deferred and still active subscribers. Returns the claimed ids;
     * a recipient not returned was taken by another run or has unsubscribed.
     */
    async commit(
      deliveryId: string,
      results: readonly RecipientResult[],
      claims: readonly string[],
      at: string,
    ): Promise<Set<string>> {
      return db.transaction(
        async (tx) => {
          const accepted = new Map<number, string[]>();
          for (const r of results) {
            if (r.status === 'accepted') {
              const code = r.code ?? 250;
              accepted.set(code, [...(accepted.get(code) ?? []), r.subscriberId]);
              continue;
            }
            await tx.run(
              `UPDATE email_recipients SET status = $3, smtp_code = $4, smtp_reply = $5, attempts = $6,
               next_attempt_at = $7, updated_at = $8 WHERE delivery_id = $1 AND subscriber_id = $2`,
              [deliveryId, r.subscriberId, r.status, r.code, r.reply, r.attempts, r.nextAttemptAt, at],
            );
          }
          for (const [code, ids] of accepted) {
            for (const part of chunks(ids)) {
              await tx.run(
                `UPDATE email_recipients SET status = 'accepted', smtp_code = $2, smtp_reply = NULL,
                 attempts = attempts + 1, next_attempt_at = NULL, updated_at = $3
               WHERE delivery_id = $1 AND subscriber_id IN (${placeholders(part.length, 4)})`,
                [deliveryId, code, at, ...part],
              );
            }
          }
          const claimed = new Set<string>();
          for (const part of chunks(claims)) {
            const rows = await tx.all(
              `UPDATE email_recipients SET status = 'sending', updated_at = $2
             WHERE delivery_id = $1 AND subscriber_id IN (${placeholders(part.length, 3)})
               AND status IN ('queued', 'deferred')
               AND EXISTS (SELECT 1 FROM subscribers s
                 WHERE s.id = email_recipients.subscriber_id AND s.status = 'active')
             RETURNING subscriber_id`,
              [deliveryId, at, ...part],
            );
            for (const r of rows) claimed.add(String(r.subscriber_id));
          }
          return claimed;
        },
        { durability: 'process' },
      );
    },

    /** Queued or deferred recipients who unsubscribed (or were suppressed) since the snapshot: never mailed. */
    async skipSuppressed(deliveryId: string, at: string): Promise<number> {
      const { changes } = await db.run(
        `UPDATE email_recipients SET status = 'skipped', updated_at = $2,
           smtp_reply = 'Not sent: the address was unsubscribed or suppressed after the send started.'
         WHERE delivery_id = $1 AND status IN ('queued', 'deferred')
           AND NOT EXISTS (SELECT 1 FROM subscribers s
             WHERE s.id = email_recipients.subscriber_id AND s.status = 'active')`,
        [deliveryId, at],
      );
      return changes;
    },

    async counts(deliveryId: string): Promise<SendCounts> {
      const rows = await db.all(
        'SELECT status, count(*) AS n FROM email_recipients WHERE delivery_id = $1 GROUP BY status',
        [deliveryId],
      );
      const counts = Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, 0])) as SendCounts;
      counts.total = 0;
      for (const r of rows) {
        counts[String(r.status) as RecipientStatus] = Number(r.n);
        counts.total += Number(r.n);
      }
      return counts;
    },

    /** When the next deferred recipient is due, or null when none is waiting. */
    async nextDeferred(deliveryId: string): Promise<string | null> {
      const row = await db.one(
        `SELECT min(next_attempt_at) AS at FROM email_recipients WHERE delivery_id = $1 AND status = 'deferred'`,
        [deliveryId],
      );
      return row?.at === null || row?.at === undefined ? null : String(row.at);
    },

    /** The send is over: the relay's hard bounces are suppressed and the send is `done`, in one transaction. */
    async finish(deliveryId: string, at: string): Promise<{ bounced: number }> {
      return db.transaction(async (tx) => {
        const bounced = await markHardBounces(tx, deliveryId, at);
        await tx.run(
          `UPDATE email_sends SET state = 'done', paused_reason = NULL, updated_at = $2 WHERE delivery_id = $1`,
          [deliveryId, at],
        );
        return { bounced };
      });
    },

    async setState(deliveryId: string, state: SendState, reason: string | null, at: string): Promise<boolean> {
      const { changes } = await db.run(
        `UPDATE email_sends SET state = $2, paused_reason = $3, updated_at = $4 WHERE delivery_id = $1`,
        [deliveryId, state, reason, at],
      );
      return changes > 0;
    },

    /** Cancels what has not gone: queued and deferred recipients become `cancelled`. */
    async cancelRemaining(deliveryId: string, at: string): Promise<number> {
      const { changes } = await db.run(
        `UPDATE email_recipients SET status = 'cancelled', updated_at = $2
         WHERE delivery_id = $1 AND status IN ('queued', 'deferred')`,
        [deliveryId, at],
      );
      return changes;
    },

    /** Recipients in some statuses, a page at a time by id (the failures export). */
    async page(deliveryId: string, statuses: readonly RecipientStatus[], afterId: string, limit: number) {
      const params: SqlValue[] = [deliveryId, afterId, limit, ...statuses];
      const rows = await db.all(
        `SELECT subscriber_id, email, status, attempts, smtp_code, smtp_reply, updated_at FROM email_recipients
         WHERE delivery_id = $1 AND subscriber_id > $2 AND status IN (${placeholders(statuses.length, 4)})
         ORDER BY subscriber_id LIMIT $3`,
        params,
      );
      return rows.map((r) => ({
        subscriberId: String(r.subscriber_id),
        email: String(r.email),
        status: String(r.status) as RecipientStatus,
        attempts: Number(r.attempts),
        smtpCode: r.smtp_code === null ? null : Number(r.smtp_code),
        smtpReply: r.smtp_reply === null ? null : String(r.smtp_reply),
        updatedAt: String(r.updated_at),
      }));
    },
  };
}

export type RecipientStore = ReturnType<typeof createRecipientStore>;
