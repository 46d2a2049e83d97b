import { z } from 'zod';
import {
  AttemptOutcome,
  DeliveryError,
  DeliveryStatus,
  KnownLimits,
  type ChannelTarget,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryHistoryEntry,
} from '../../../shared/domain/queue.ts';
import type { Row } from '../store/sql.ts';

/**
 * Rows coming back from either engine, parsed with zod: JSON columns arrive
 * as text from SQLite and as objects from PostgreSQL's jsonb, integers as
 * numbers (or strings from a driver), timestamps as ISO strings.
 */

const jsonColumn = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), schema);

const int = z.coerce.number().int();
const text = z.string();
const maybeText = z.string().nullable();

export const DELIVERY_COLUMNS = `d.id, d.publication_id, d.target_id, t.name AS target_name, t.kind AS target_kind,
  d.status, d.attempts, d.attempt_limit, d.next_attempt_at, d.lease_owner, d.lease_expires_at, d.external_id,
  d.external_url, d.last_error, d.idempotency_key, d.depends_on_delivery_id, d.retracted_at, d.created_at, d.updated_at`;

const DeliveryRow = z.object({
  id: text,
  publication_id: text,
  target_id: text,
  target_name: text,
  target_kind: text,
  status: DeliveryStatus,
  attempts: int,
  attempt_limit: int,
  next_attempt_at: maybeText,
  lease_owner: maybeText,
  lease_expires_at: maybeText,
  external_id: maybeText,
  external_url: maybeText,
  last_error: jsonColumn(DeliveryError.nullable()),
  idempotency_key: text,
  depends_on_delivery_id: maybeText,
  retracted_at: maybeText.optional(),
  created_at: text,
  updated_at: text,
});

/** A delivery as the queue itself sees it: what the UI sees, plus the lease and the retry budget. */
export type DeliveryRecord = Delivery & {
  attemptLimit: number;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  idempotencyKey: string;
};

/** Parses a delivery row (joined with its target); a row that breaks the schema throws rather than leaking. */
export function toDeliveryRecord(row: Row): DeliveryRecord {
  const r = DeliveryRow.parse(row);
  return {
    id: r.id,
    publicationId: r.publication_id,
    targetId: r.target_id,
    targetName: r.target_name,
    targetKind: r.target_kind,
    status: r.status,
    attempts: r.attempts,
    attemptLimit: r.attempt_limit,
    nextAttemptAt: r.next_attempt_at,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    externalId: r.external_id,
    externalUrl: r.external_url,
    lastError: r.last_error,
    idempotencyKey: r.idempotency_key,
    dependsOnDeliveryId: r.depends_on_delivery_id,
    retractedAt: r.retracted_at ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The public shape: no lease, no idempotency key. */
export function toDelivery(record: DeliveryRecord): Delivery {
  const { attemptLimit: _limit, leaseOwner: _owner, leaseExpiresAt: _expires, idempotencyKey: _key, ...rest } = record;
  return rest;
}

const TargetRow = z.object({
  id: text,
  kind: text,
  name: text,
  settings_json: jsonColumn(z.record(z.string(), z.unknown())),
  // Limits the channel told us of; a row written before they were learnt (or an unknown shape) means none.
  known_limits_json: jsonColumn(KnownLimits.nullable()).catch(null).optional(),
  created_at: text,
  updated_at: text,
});

/** Just the limits a target's channel told us of (see `strictestKnownLimits`). */
export const KnownLimitsRow = z.object({ known_limits_json: jsonColumn(KnownLimits.nullable()).catch(null) });

/** Parses a channel target row; its settings come back as JSON text or jsonb. */
export function toChannelTarget(row: Row): ChannelTarget {
  const r = TargetRow.parse(row);
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    settings: r.settings_json,
    ...(r.known_limits_json ? { knownLimits: r.known_limits_json } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const PUBLICATION_COLUMNS = `p.id, p.update_id, p.update_revision, p.content_hash, v.title, p.scheduled_at,
  p.created_at, p.created_by, p.authorisation, p.urgent_reason, p.reviewed_by, p.reviewed_at`;

const PublicationRow = z.object({
  id: text,
  update_id: text,
  update_revision: int,
  content_hash: text,
  title: text,
  scheduled_at: maybeText,
  created_at: text,
  created_by: maybeText,
  authorisation: z.enum(['approved', 'urgent', 'pending', 'lapsed']),
  urgent_reason: maybeText,
  reviewed_by: maybeText,
  reviewed_at: maybeText,
});

export type PublicationHead = {
  id: string;
  updateId: string;
  updateRevision: number;
  contentHash: string;
  title: string;
  scheduledAt: string | null;
  createdAt: string;
  createdBy: string | null;
  authorisation: 'approved' | 'urgent' | 'pending' | 'lapsed';
  urgentReason: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
};

/** Parses a publication row joined with the title of the version it sends. */
export function toPublicationHead(row: Row): PublicationHead {
  const r = PublicationRow.parse(row);
  return {
    id: r.id,
    updateId: r.update_id,
    updateRevision: r.update_revision,
    contentHash: r.content_hash,
    title: r.title,
    scheduledAt: r.scheduled_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    authorisation: r.authorisation,
    urgentReason: r.urgent_reason,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
  };
}

const AttemptRow = z.object({
  delivery_id: text,
  attempt: int,
  worker: text,
  started_at: text,
  finished_at: maybeText,
  outcome: AttemptOutcome.nullable(),
  error: jsonColumn(DeliveryError.nullable()),
});

/** Parses one attempt of the timeline. */
export function toAttempt(row: Row): DeliveryAttempt {
  const r = AttemptRow.parse(row);
  return {
    deliveryId: r.delivery_id,
    attempt: r.attempt,
    worker: r.worker,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    error: r.error,
  };
}

const HistoryRow = z.object({
  delivery_id: text,
  at: text,
  actor: text,
  event: text,
  from_status: DeliveryStatus.nullable(),
  to_status: DeliveryStatus,
});

/** Parses one status change of the history. */
export function toHistoryEntry(row: Row): DeliveryHistoryEntry {
  const r = HistoryRow.parse(row);
  return {
    deliveryId: r.delivery_id,
    at: r.at,
    actor: r.actor,
    event: r.event,
    fromStatus: r.from_status,
    toStatus: r.to_status,
  };
}
