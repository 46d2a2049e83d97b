import { randomUUID } from 'node:crypto';
import type { EmailList, Subscriber, SubscriberStatus, SuppressedStatus } from '../../../shared/domain/subscribers.ts';
import { CoreError } from '../errors.ts';
import type { Row, SqlDb, SqlExecutor, SqlValue } from '../store/sql.ts';
import type { AuditHook } from './audit.ts';

/**
 * Lists, subscribers and memberships in SQL, on either engine. Addresses are
 * unique by `email_key` (trimmed, lower-case). Any status but `active`
 * suppresses an address for every list, and nothing here ever turns a
 * suppressed subscriber back to active but `unsuppress` (an admin's decision,
 * with a reason): merging an import or a manual add into a suppressed address
 * adds the membership but leaves it suppressed.
 */

/** One subscriber to merge in (already validated and normalised). */
export type SubscriberInput = { email: string; emailKey: string; name: string | null };

export type MergeOutcome = { added: number; merged: number; suppressed: number };

const IN_CHUNK = 500;

function placeholders(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');
}

function toList(row: Row): EmailList {
  return {
    id: String(row.id),
    name: String(row.name),
    description: String(row.description),
    activeCount: Number(row.active_count ?? 0),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function toSubscriber(row: Row, listIds: string[]): Subscriber {
  return {
    id: String(row.id),
    email: String(row.email),
    name: row.name === null || row.name === undefined ? null : String(row.name),
    status: String(row.status) as SubscriberStatus,
    consentSource: String(row.consent_source),
    consentAt: String(row.consent_at),
    statusChangedAt: String(row.status_changed_at),
    statusReason: row.status_reason === null || row.status_reason === undefined ? null : String(row.status_reason),
    listIds,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e.code === '23505' || (typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed'));
}

export type SubscribersRepositoryDeps = {
  db: SqlDb;
  now?: () => Date;
  newId?: () => string;
  audit?: AuditHook;
};

export function createSubscribersRepository(deps: SubscribersRepositoryDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;

  const listExists = async (tx: SqlExecutor, listId: string) =>
    (await tx.one('SELECT id FROM email_lists WHERE id = $1', [listId])) !== undefined;

  /**
   * Merges a batch of subscribers into a list in the caller's transaction:
   * new addresses are inserted as active with this consent; known ones (any
   * case) keep their status, name and consent, and gain the membership.
   */
  async function mergeInto(
    tx: SqlExecutor,
    listId: string,
    people: readonly SubscriberInput[],
    consent: { source: string; at: string },
  ): Promise<MergeOutcome> {
    const outcome: MergeOutcome = { added: 0, merged: 0, suppressed: 0 };
    const at = now().toISOString();
    for (let i = 0; i < people.length; i += IN_CHUNK) {
      const chunk = people.slice(i, i + IN_CHUNK);
      const keys = chunk.map((p) => p.emailKey);
      const existing = await tx.all(
        `SELECT id, email_key, status FROM subscribers WHERE email_key IN (${placeholders(keys.length)})`,
        keys,
      );
      const byKey = new Map(existing.map((r) => [String(r.email_key), { id: String(r.id), status: String(r.status) }]));
      const fresh: { id: string; person: SubscriberInput }[] = [];
      for (const person of chunk) {
        const found = byKey.get(person.emailKey);
        if (found) {
          outcome.merged++;
          if (found.status !== 'active') outcome.suppressed++;
        } else {
          const id = newId();
          byKey.set(person.emailKey, { id, status: 'active' });
          fresh.push({ id, person });
        }
      }
      if (fresh.length > 0) {
        const params: SqlValue[] = [consent.source, consent.at, at];
        const values = fresh.map(({ id, person }) => {
          params.push(id, person.email, person.emailKey, person.name);
          const n = params.length;
          return `($${n - 3}, $${n - 2}, $${n - 1}, $${n}, 'active', $1, $2, $3, $3, $3)`;
        });
        // A concurrent import may have inserted one of these addresses since the SELECT: ON CONFLICT keeps theirs.
        const inserted = await tx.all(
          `INSERT INTO subscribers (id, email, email_key, name, status, consent_source, consent_at, status_changed_at,
             created_at, updated_at) VALUES ${values.join(', ')} ON CONFLICT (email_key) DO NOTHING RETURNING id`,
          params,
        );
        outcome.added += inserted.length;
        if (inserted.length < fresh.length) {
          const done = new Set(inserted.map((r) => String(r.id)));
          const raced = fresh.filter((f) => !done.has(f.id)).map((f) => f.person.emailKey);
          const rows = await tx.all(
            `SELECT id, email_key, status FROM subscribers WHERE email_key IN (${placeholders(raced.length)})`,
            raced,
          );
          for (const r of rows) byKey.set(String(r.email_key), { id: String(r.id), status: String(r.status) });
          outcome.merged += raced.length;
        }
      }
      const ids = [...new Set(chunk.map((p) => byKey.get(p.emailKey)?.id ?? ''))].filter((id) => id !== '');
      const values = ids.map((_, j) => `($1, $${j + 3}, $2)`).join(', ');
      await tx.run(
        `INSERT INTO list_memberships (list_id, subscriber_id, added_at) VALUES ${values} ON CONFLICT DO NOTHING`,
        [listId, at, ...ids],
      );
    }
    return outcome;
  }

  return {
    mergeInto,

    async createList(input: { name: string; description?: string }): Promise<EmailList> {
      const id = newId();
      const at = now().toISOString();
      try {
        await db.run(
          'INSERT INTO email_lists (id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)',
          [id, input.name, input.description ?? '', at],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new CoreError('conflict', `There is already a list called "${input.name}"`);
        throw error;
      }
      return this.getList(id);
    },

    async getList(id: string): Promise<EmailList> {
      const row = await db.one(
        `SELECT l.*, (SELECT count(*) FROM list_memberships m JOIN subscribers s ON s.id = m.subscriber_id
           WHERE m.list_id = l.id AND s.status = 'active') AS active_count
         FROM email_lists l WHERE l.id = $1`,
        [id],
      );
      if (!row) throw new CoreError('not_found', 'That email list does not exist (it may have been deleted)');
      return toList(row);
    },

    async lists(): Promise<EmailList[]> {
      const rows = await db.all(
        `SELECT l.*, (SELECT count(*) FROM list_memberships m JOIN subscribers s ON s.id = m.subscriber_id
           WHERE m.list_id = l.id AND s.status = 'active') AS active_count
         FROM email_lists l ORDER BY lower(l.name), l.id`,
      );
      return rows.map(toList);
    },

    /** Deletes a list and its memberships; the subscribers (and their suppression) stay. */
    async deleteList(id: string): Promise<void> {
      const { changes } = await db.run('DELETE FROM email_lists WHERE id = $1', [id]);
      if (changes === 0) throw new CoreError('not_found', 'That email list does not exist (it may have been deleted)');
    },

    /** Adds one person to a list by hand (merged with an existing address, whatever its case). */
    async add(listId: string, person: SubscriberInput, consentSource: string): Promise<Subscriber & MergeOutcome> {
      const at = now().toISOString();
      const outcome = await db.transaction(async (tx) => {
        if (!(await listExists(tx, listId)))
          throw new CoreError('not_found', 'That email list does not exist (it may have been deleted)');
        return mergeInto(tx, listId, [person], { source: consentSource, at });
      });
      const subscriber = await this.byEmail(person.emailKey);
      if (!subscriber) throw new Error('A subscriber just added could not be read back');
      return { ...subscriber, ...outcome };
    },

    /** Takes a person off one list (they stay on others, and a suppression stays in force). */
    async removeFromList(listId: string, subscriberId: string): Promise<void> {
      const { changes } = await db.run('DELETE FROM list_memberships WHERE list_id = $1 AND subscriber_id = $2', [
        listId,
        subscriberId,
      ]);
      if (changes === 0) throw new CoreError('not_found', 'That person is not on that list');
    },

    async byEmail(emailKey: string): Promise<Subscriber | undefined> {
      const row = await db.one('SELECT * FROM subscribers WHERE email_key = $1', [emailKey]);
      return row ? toSubscriber(row, await memberships(db, String(row.id))) : undefined;
    },

    async get(id: string): Promise<Subscriber | undefined> {
      const row = await db.one('SELECT * FROM subscribers WHERE id = $1', [id]);
      return row ? toSubscriber(row, await memberships(db, id)) : undefined;
    },

    /**
     * Suppresses an address for every list (unsubscribed, bounced, complained),
     * audited in the same transaction. Returns false when it already had that status.
     */
    async suppress(
      subscriberId: string,
      status: SuppressedStatus,
      audit: { actor: string; reason: string; listId?: string | null },
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const row = await tx.one('SELECT status FROM subscribers WHERE id = $1', [subscriberId]);
        if (!row) throw new CoreError('not_found', 'That subscriber does not exist');
        if (row.status === status) return false;
        const at = now().toISOString();
        await tx.run(
          `UPDATE subscribers SET status = $2, status_changed_at = $3, updated_at = $3, status_reason = $4
           WHERE id = $1`,
          [subscriberId, status, at, audit.reason.slice(0, 300)],
        );
        await deps.audit?.record(tx, {
          action: `subscriber.${status}`,
          subjectType: 'subscriber',
          subjectId: subscriberId,
          details: { from: row.status, actor: audit.actor, reason: audit.reason, listId: audit.listId ?? null },
        });
        return true;
      });
    },

    /**
     * Takes an address off the suppression list (an admin's decision, with a
     * reason, audited in the same transaction): its lists mail it again.
     */
    async unsuppress(subscriberId: string, reason: string): Promise<void> {
      await db.transaction(async (tx) => {
        const row = await tx.one('SELECT status FROM subscribers WHERE id = $1', [subscriberId]);
        if (!row) throw new CoreError('not_found', 'That subscriber does not exist');
        if (row.status === 'active') throw new CoreError('conflict', 'That address is not suppressed');
        const at = now().toISOString();
        await tx.run(
          `UPDATE subscribers SET status = 'active', status_changed_at = $2, updated_at = $2, status_reason = $3
           WHERE id = $1`,
          [subscriberId, at, reason],
        );
        await deps.audit?.record(tx, {
          action: 'subscriber.unsuppressed',
          subjectType: 'subscriber',
          subjectId: subscriberId,
          details: { from: row.status, actor: 'staff', reason },
        });
      });
    },

    /**
     * One page of a list's (or everyone's) subscribers in id order, from after
     * `afterId`: the keyset that export and the screens page with.
     */
    async page(options: {
      listId?: string | undefined;
      status?: SubscriberStatus | undefined;
      afterId?: string | undefined;
      limit: number;
    }) {
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (options.listId !== undefined) {
        params.push(options.listId);
        where.push(`s.id IN (SELECT subscriber_id FROM list_memberships WHERE list_id = $${params.length})`);
      }
      if (options.status !== undefined) {
        params.push(options.status);
        where.push(`s.status = $${params.length}`);
      }
      if (options.afterId !== undefined) {
        params.push(options.afterId);
        where.push(`s.id > $${params.length}`);
      }
      params.push(options.limit);
      const rows = await db.all(
        `SELECT s.* FROM subscribers s ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY s.id LIMIT $${params.length}`,
        params,
      );
      const lists = await membershipsOf(
        db,
        rows.map((r) => String(r.id)),
      );
      return rows.map((r) => toSubscriber(r, lists.get(String(r.id)) ?? []));
    },

    /** Suppressed addresses (never mailed by any list), in id order. */
    async suppressed(afterId: string | undefined, limit: number) {
      const params: SqlValue[] = [];
      let where = `s.status <> 'active'`;
      if (afterId !== undefined) {
        params.push(afterId);
        where += ` AND s.id > $1`;
      }
      params.push(limit);
      const rows = await db.all(
        `SELECT s.* FROM subscribers s WHERE ${where} ORDER BY s.id LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => toSubscriber(r, []));
    },
  };
}

async function memberships(db: SqlExecutor, subscriberId: string): Promise<string[]> {
  const rows = await db.all('SELECT list_id FROM list_memberships WHERE subscriber_id = $1 ORDER BY list_id', [
    subscriberId,
  ]);
  return rows.map((r) => String(r.list_id));
}

async function membershipsOf(db: SqlExecutor, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (ids.length === 0) return map;
  const rows = await db.all(
    `SELECT subscriber_id, list_id FROM list_memberships WHERE subscriber_id IN (${placeholders(ids.length)})
     ORDER BY list_id`,
    ids,
  );
  for (const r of rows) {
    const key = String(r.subscriber_id);
    map.set(key, [...(map.get(key) ?? []), String(r.list_id)]);
  }
  return map;
}

export type SubscribersRepository = ReturnType<typeof createSubscribersRepository>;
