import { createUpdatesRepository } from '../updates/updates-repository.ts';
import { z } from 'zod';
import type { ChannelTarget, QueueFilter } from '../../../shared/domain/queue.ts';
import type { SqlExecutor, SqlValue } from '../store/sql.ts';
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

const FILTERS: Record<Exclude<QueueFilter, 'all' | 'today'>, string> = {
  failed: `EXISTS (SELECT 1 FROM deliveries f WHERE f.publication_id = p.id AND f.status IN ('failed', 'needs_reauth'))`,
  unconfirmed: `EXISTS (SELECT 1 FROM deliveries f WHERE f.publication_id = p.id AND f.status = 'unconfirmed')`,
  scheduled: `EXISTS (SELECT 1 FROM deliveries f WHERE f.publication_id = p.id AND f.status = 'scheduled')`,
};

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
        `SELECT id, kind, name, settings_json, created_at, updated_at FROM channel_targets
         WHERE disconnected_at IS NULL ORDER BY name, id`,
      );
      return rows.map(toChannelTarget);
    },

    /** The targets with these ids, disconnected ones too unless `connectedOnly`. */
    async getTargets(ids: readonly string[], options: { connectedOnly?: boolean } = {}): Promise<ChannelTarget[]> {
      if (ids.length === 0) return [];
      const rows = await db.all(
        `SELECT id, kind, name, settings_json, created_at, updated_at FROM channel_targets
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
