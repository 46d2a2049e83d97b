import { createUpdatesRepository } from '../updates/updates-repository.ts';
import { z } from 'zod';
import type { ChannelTarget, KnownLimits, QueueCounts, QueueFilter } from '../../../shared/domain/queue.ts';
import type { SqlExecutor, SqlValue } from '../store/sql.ts';
import type { StoredHealth } from './channel-health.ts';
import {
  DELIVERY_COLUMNS,
  PUBLICATION_COLUMNS,
  toAttempt,
  toChannelTarget,
  toDeliveryRecord,
  toHistoryEntry,
  toPublicationHead,
  type DeliveryRecord,
  type PublicationHead,
} from './queue-rows.ts';

/**
 * Channel targets and publications: the reads behind the queue list and
 * detail, and the inserts of publishing. Written once with `$n` placeholders
 * and ISO timestamps, and run on SQLite and PostgreSQL alike. Delivery state
 * changes live in delivery-repository.ts.
 */

export type NewDelivery = {
  id: string;
  publicationId: string;
  targetId: string;
  status: 'queued' | 'scheduled';
  attemptLimit: number;
  nextAttemptAt: string;
  idempotencyKey: string;
  dependsOnDeliveryId: string | null;
  createdAt: string;
};

export type PageQuery = {
  filter: QueueFilter;
  limit: number;
  after: { createdAt: string; id: string } | null;
  /** The start and end of today in the council's zone, as UTC instants (for the `today` filter). */
  today: { from: string; to: string };
  /** Only one update's publications. */
  updateId?: string | undefined;
};

/** Keyset cursor over (created_at, id), stable while deliveries change. */
export function encodeQueueCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

/** The position a cursor names, or null for anything this list did not hand out. */
export function decodeQueueCursor(cursor: string): { createdAt: string; id: string } | null {
  try {
    const parsed = z
      .tuple([z.iso.datetime(), z.uuid()])
      .safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

const placeholders = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => `$${i + 1 + offset}`);

/** The delivery statuses each status filter looks for: a publication is listed if any of its deliveries has one. */
const FILTER_STATUSES: Record<Exclude<QueueFilter, 'all' | 'today'>, string> = {
  failed: `'failed', 'needs_reauth'`,
  unconfirmed: `'unconfirmed'`,
  scheduled: `'scheduled'`,
};

const FILTERS: Record<Exclude<QueueFilter, 'all' | 'today'>, string> = {
  failed: `EXISTS (SELECT 1 FROM deliveries f WHERE f.publication_id = p.id AND f.status IN (${FILTER_STATUSES.failed}))`,
  unconfirmed: `EXISTS (SELECT 1 FROM deliveries f WHERE f.publication_id = p.id AND f.status IN (${FILTER_STATUSES.unconfirmed}))`,
  scheduled: `EXISTS (SELECT 1 FROM deliveries f WHERE f.publication_id = p.id AND f.status IN (${FILTER_STATUSES.scheduled}))`,
};

/** Publications with a delivery in one of `statuses`: the same set as the filter, read through the status index. */
const countWith = (statuses: string) =>
  `(SELECT count(DISTINCT publication_id) FROM deliveries WHERE status IN (${statuses}))`;

/** The publishing statements over one executor: the store itself, or a transaction. */
export function createQueueRepository(db: SqlExecutor) {
  return {
    async insertTarget(target: ChannelTarget): Promise<void> {
      await db.run(
        `INSERT INTO channel_targets (id, kind, name, settings_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [target.id, target.kind, target.name, JSON.stringify(target.settings), target.createdAt, target.updatedAt],
      );
    },

    /** Connected targets (a disconnected one stays only for the queue's history). */
    async listTargets(): Promise<ChannelTarget[]> {
      const rows = await db.all(
        `SELECT id, kind, name, settings_json, known_limits_json, created_at, updated_at FROM channel_targets
         WHERE disconnected_at IS NULL ORDER BY name, id`,
      );
      return rows.map(toChannelTarget);
    },

    /**
     * Connected targets with what their card shows (migration 13): the last
     * Test connection, and whether a delivery to them ended waiting for
     * reconnection after their credentials last changed.
     */
    async listTargetsWithHealth(
      options: { includeDisconnected?: boolean } = {},
    ): Promise<{ target: ChannelTarget; stored: StoredHealth }[]> {
      const rows = await db.all(
        `SELECT t.id, t.kind, t.name, t.settings_json, t.known_limits_json, t.created_at, t.updated_at, t.disconnected_at,
           t.last_test_at, t.last_test_ok, t.last_test_message,
           (SELECT count(*) FROM deliveries d WHERE d.target_id = t.id AND d.status = 'needs_reauth') AS waiting,
           (SELECT max(h.at) FROM delivery_history h JOIN deliveries d ON d.id = h.delivery_id
             WHERE d.target_id = t.id AND h.to_status = 'needs_reauth'
               AND h.at > COALESCE(t.credentials_changed_at, t.created_at)) AS reauth_at
         FROM channel_targets t ${options.includeDisconnected ? '' : 'WHERE t.disconnected_at IS NULL'}
         ORDER BY t.disconnected_at IS NOT NULL, t.name, t.id`,
      );
      return rows.map((row) => ({
        target: toChannelTarget(row),
        stored: {
          lastTestAt: row.last_test_at === null ? null : String(row.last_test_at),
          lastTestOk: row.last_test_ok === null ? null : Number(row.last_test_ok) === 1,
          lastTestMessage: row.last_test_message === null ? null : String(row.last_test_message),
          reauthAt: row.reauth_at === null ? null : String(row.reauth_at),
          waitingForReconnect: Number(row.waiting ?? 0),
          disconnectedAt: row.disconnected_at === null ? null : String(row.disconnected_at),
        },
      }));
    },

    /** Stores the result of a Test connection of a connected target. */
    async recordTest(targetId: string, at: string, ok: boolean, message: string | null): Promise<void> {
      await db.run(
        'UPDATE channel_targets SET last_test_at = $1, last_test_ok = $2, last_test_message = $3 WHERE id = $4',
        [at, ok ? 1 : 0, message, targetId],
      );
    },

    /** New credentials or settings: the last test no longer says anything about the channel. */
    async markChanged(targetId: string, at: string, what: 'credentials' | 'settings'): Promise<void> {
      await db.run(
        `UPDATE channel_targets SET updated_at = $1, last_test_at = NULL, last_test_ok = NULL, last_test_message = NULL
           ${what === 'credentials' ? ', credentials_changed_at = $1' : ''} WHERE id = $2`,
        [at, targetId],
      );
    },

    async updateTargetSettings(targetId: string, name: string, settings: Record<string, unknown>, at: string) {
      await db.run('UPDATE channel_targets SET name = $1, settings_json = $2, updated_at = $3 WHERE id = $4', [
        name,
        JSON.stringify(settings),
        at,
        targetId,
      ]);
    },

    /** The targets with these ids, disconnected ones too unless `connectedOnly`. */
    async getTargets(ids: readonly string[], options: { connectedOnly?: boolean } = {}): Promise<ChannelTarget[]> {
      if (ids.length === 0) return [];
      const rows = await db.all(
        `SELECT id, kind, name, settings_json, known_limits_json, created_at, updated_at FROM channel_targets
         WHERE id IN (${placeholders(ids.length).join(', ')})${options.connectedOnly ? ' AND disconnected_at IS NULL' : ''}`,
        ids,
      );
      return rows.map(toChannelTarget);
    },

    /** How many of a target's deliveries are still to go out, and how many it has at all. */
    async targetDeliveryCounts(targetId: string): Promise<{ pending: number; total: number }> {
      const row = await db.one(
        `SELECT count(*) AS total,
           count(CASE WHEN status IN ('queued', 'scheduled', 'sending', 'retry_wait') THEN 1 END) AS pending
         FROM deliveries WHERE target_id = $1`,
        [targetId],
      );
      return { pending: Number(row?.pending ?? 0), total: Number(row?.total ?? 0) };
    },

    async deleteTarget(targetId: string): Promise<void> {
      await db.run('DELETE FROM channel_targets WHERE id = $1', [targetId]);
    },

    async markTargetDisconnected(targetId: string, time: string): Promise<void> {
      await db.run('UPDATE channel_targets SET disconnected_at = $1, updated_at = $1 WHERE id = $2', [time, targetId]);
    },

    /** Records what a channel said of its limits ("Test connection"), for the counters and the pre-send check. */
    async setKnownLimits(targetId: string, limits: KnownLimits): Promise<void> {
      await db.run('UPDATE channel_targets SET known_limits_json = $1 WHERE id = $2', [
        JSON.stringify(limits),
        targetId,
      ]);
    },

    async touchTarget(targetId: string, time: string): Promise<void> {
      await db.run('UPDATE channel_targets SET updated_at = $1 WHERE id = $2', [time, targetId]);
    },

    /** The update's current saved version, which a publication snapshots. */
    async currentVersion(updateId: string): Promise<{ revision: number; contentHash: string } | undefined> {
      const row = await db.one('SELECT revision, content_hash FROM updates WHERE id = $1', [updateId]);
      return row ? { revision: Number(row.revision), contentHash: String(row.content_hash) } : undefined;
    },

    /** The exact saved version a delivery sends (read through the updates repository, the one reader of versions). */
    version: (updateId: string, revision: number) => createUpdatesRepository(db).version(updateId, revision),

    async insertPublication(p: Omit<PublicationHead, 'title' | 'reviewedBy' | 'reviewedAt'>): Promise<void> {
      await db.run(
        `INSERT INTO publications (id, update_id, update_revision, content_hash, scheduled_at, created_at, created_by,
           authorisation, urgent_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          p.id,
          p.updateId,
          p.updateRevision,
          p.contentHash,
          p.scheduledAt,
          p.createdAt,
          p.createdBy,
          p.authorisation,
          p.urgentReason,
        ],
      );
    },

    async insertDelivery(d: NewDelivery): Promise<void> {
      await db.run(
        `INSERT INTO deliveries (id, publication_id, target_id, status, attempts, attempt_limit, next_attempt_at,
           idempotency_key, depends_on_delivery_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9, $9)`,
        [
          d.id,
          d.publicationId,
          d.targetId,
          d.status,
          d.attemptLimit,
          d.nextAttemptAt,
          d.idempotencyKey,
          d.dependsOnDeliveryId,
          d.createdAt,
        ],
      );
    },

    async publication(id: string): Promise<PublicationHead | undefined> {
      const row = await db.one(
        `SELECT ${PUBLICATION_COLUMNS} FROM publications p
         JOIN update_versions v ON v.update_id = p.update_id AND v.revision = p.update_revision
         WHERE p.id = $1`,
        [id],
      );
      return row ? toPublicationHead(row) : undefined;
    },

    async listPublications(query: PageQuery): Promise<{ items: PublicationHead[]; nextCursor: string | null }> {
      const where: string[] = [];
      const params: SqlValue[] = [];
      const param = (value: SqlValue) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (query.after) {
        const at = param(query.after.createdAt);
        const id = param(query.after.id);
        where.push(`(p.created_at < ${at} OR (p.created_at = ${at} AND p.id < ${id}))`);
      }
      if (query.updateId !== undefined) where.push(`p.update_id = ${param(query.updateId)}`);
      if (query.filter === 'today') {
        const from = param(query.today.from);
        const to = param(query.today.to);
        where.push(
          `COALESCE(p.scheduled_at, p.created_at) >= ${from} AND COALESCE(p.scheduled_at, p.created_at) < ${to}`,
        );
      } else if (query.filter !== 'all') {
        where.push(FILTERS[query.filter]);
      }
      const limit = param(query.limit + 1);
      const rows = await db.all(
        `SELECT ${PUBLICATION_COLUMNS} FROM publications p
         JOIN update_versions v ON v.update_id = p.update_id AND v.revision = p.update_revision
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit}`,
        params,
      );
      const heads = rows.map(toPublicationHead);
      const items = heads.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items,
        nextCursor: heads.length > query.limit && last ? encodeQueueCursor(last.createdAt, last.id) : null,
      };
    },

    /**
     * How many publications each filter shows, in one query over the same
     * conditions as `listPublications`, so a count always matches its list.
     */
    async countPublications(today: { from: string; to: string }): Promise<QueueCounts> {
      // Each status count reads only the deliveries in those statuses (the `(status, …)` index), not every
      // publication: a few failed among 10,000 cost almost nothing. "Today" and "All" scan the publications once.
      const when = 'COALESCE(p.scheduled_at, p.created_at)';
      const row = await db.one(
        `SELECT count(*) AS n_all,
           count(CASE WHEN ${when} >= $1 AND ${when} < $2 THEN 1 END) AS n_today,
           ${countWith(FILTER_STATUSES.failed)} AS n_failed,
           ${countWith(FILTER_STATUSES.unconfirmed)} AS n_unconfirmed,
           ${countWith(FILTER_STATUSES.scheduled)} AS n_scheduled
         FROM publications p`,
        [today.from, today.to],
      );
      return {
        all: Number(row?.n_all ?? 0),
        failed: Number(row?.n_failed ?? 0),
        unconfirmed: Number(row?.n_unconfirmed ?? 0),
        scheduled: Number(row?.n_scheduled ?? 0),
        today: Number(row?.n_today ?? 0),
      };
    },

    async deliveriesOf(publicationIds: readonly string[]): Promise<DeliveryRecord[]> {
      if (publicationIds.length === 0) return [];
      const rows = await db.all(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN channel_targets t ON t.id = d.target_id
         WHERE d.publication_id IN (${placeholders(publicationIds.length).join(', ')})
         ORDER BY t.name, d.id`,
        publicationIds,
      );
      return rows.map(toDeliveryRecord);
    },

    async attemptsOf(deliveryIds: readonly string[]) {
      if (deliveryIds.length === 0) return [];
      const rows = await db.all(
        `SELECT delivery_id, attempt, worker, started_at, finished_at, outcome, error FROM delivery_attempts
         WHERE delivery_id IN (${placeholders(deliveryIds.length).join(', ')}) ORDER BY started_at, delivery_id, attempt`,
        deliveryIds,
      );
      return rows.map(toAttempt);
    },

    async historyOf(deliveryIds: readonly string[]) {
      if (deliveryIds.length === 0) return [];
      const rows = await db.all(
        `SELECT delivery_id, at, actor, event, from_status, to_status FROM delivery_history
         WHERE delivery_id IN (${placeholders(deliveryIds.length).join(', ')}) ORDER BY id`,
        deliveryIds,
      );
      return rows.map(toHistoryEntry);
    },
  };
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;
