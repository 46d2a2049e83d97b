import { z } from 'zod';
import type { AuditAction, AuditEntry, AuditFilter, AuditVerification } from '../../../shared/domain/audit.ts';
import type { Actor } from '../people/actor.ts';
import type { SqlExecutor, SqlValue } from '../store/sql.ts';
import { canonicalJson, sha256Hex } from '../updates/content-hash.ts';

/** The first row's `prev_hash`. */
export const GENESIS_HASH = '0'.repeat(64);
/** Held (PostgreSQL, per transaction) while appending, so two hosts never fork the chain. */
export const AUDIT_LOCK_KEY = 7240002;

export type AuditRecord = {
  action: AuditAction;
  subjectType: string;
  subjectId: string | null;
  contentHash?: string | null;
  details?: Record<string, unknown>;
};

type Hashed = Omit<AuditEntry, 'hash' | 'prevHash'>;

/** The hash of one row: its fields in canonical JSON, chained to the previous row's hash. */
export function auditHash(prevHash: string, row: Hashed): string {
  return sha256Hex(
    `${prevHash}\n${canonicalJson({
      seq: row.seq,
      at: row.at,
      actorId: row.actorId,
      actorName: row.actorName,
      action: row.action,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      contentHash: row.contentHash,
      details: row.details,
    })}`,
  );
}

const DetailsColumn = z.preprocess(
  (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  z.record(z.string(), z.unknown()),
);
const AuditRow = z.object({
  seq: z.coerce.number().int(),
  at: z.string(),
  actor_id: z.string().nullable(),
  actor_name: z.string(),
  action: z.string(),
  subject_type: z.string(),
  subject_id: z.string().nullable(),
  content_hash: z.string().nullable(),
  details_json: DetailsColumn,
  prev_hash: z.string(),
  hash: z.string(),
});

function toEntry(row: unknown): AuditEntry {
  const r = AuditRow.parse(row);
  return {
    seq: r.seq,
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    contentHash: r.content_hash,
    details: r.details_json,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

const COLUMNS =
  'seq, at, actor_id, actor_name, action, subject_type, subject_id, content_hash, details_json, prev_hash, hash';

/** Details are small facts (ids, counts, reasons); anything that looks like a secret is never written. */
function safeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details ?? {})) {
    if (/password|secret|token/i.test(key)) continue;
    out[key] = value === undefined ? null : value;
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

function filterSql(filter: AuditFilter, params: SqlValue[]): string[] {
  const where: string[] = [];
  const add = (clause: (p: string) => string, value: SqlValue) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (filter.action) add((p) => `action = ${p}`, filter.action);
  if (filter.actorId) add((p) => `actor_id = ${p}`, filter.actorId);
  if (filter.subjectId) add((p) => `subject_id = ${p}`, filter.subjectId);
  if (filter.from) add((p) => `at >= ${p}`, new Date(filter.from).toISOString());
  if (filter.to) add((p) => `at <= ${p}`, new Date(filter.to).toISOString());
  return where;
}

/** A CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * The append-only, hash-chained record of every action. `record` is called
 * inside the transaction that makes the change (so the change and its record
 * commit together), as its last step; the database refuses UPDATE and DELETE
 * on the table, and the chain shows any row changed behind its back.
 */
export function createAuditLog({ now }: { now: () => Date }) {
  return {
    async record(tx: SqlExecutor, actor: Actor, record: AuditRecord): Promise<AuditEntry> {
      if (tx.engine === 'postgres') await tx.run('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      const head = await tx.one('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
      const prevHash = head ? String(head.hash) : GENESIS_HASH;
      const row: Hashed = {
        seq: head ? Number(head.seq) + 1 : 1,
        at: now().toISOString(),
        actorId: actor.id,
        actorName: actor.name,
        action: record.action,
        subjectType: record.subjectType,
        subjectId: record.subjectId,
        contentHash: record.contentHash ?? null,
        details: safeDetails(record.details),
      };
      const hash = auditHash(prevHash, row);
      await tx.run(`INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
        row.seq,
        row.at,
        row.actorId,
        row.actorName,
        row.action,
        row.subjectType,
        row.subjectId,
        row.contentHash,
        JSON.stringify(row.details),
        prevHash,
        hash,
      ]);
      return { ...row, prevHash, hash };
    },

    async list(db: SqlExecutor, filter: AuditFilter & { beforeSeq?: number | undefined; limit: number }) {
      const params: SqlValue[] = [];
      const where = filterSql(filter, params);
      if (filter.beforeSeq !== undefined) {
        params.push(filter.beforeSeq);
        where.push(`seq < $${params.length}`);
      }
      params.push(filter.limit + 1);
      const rows = await db.all(
        `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY seq DESC LIMIT $${params.length}`,
        params,
      );
      const items = rows.slice(0, filter.limit).map(toEntry);
      return { items, nextBeforeSeq: rows.length > filter.limit ? (items.at(-1)?.seq ?? null) : null };
    },

    /** The filtered log, oldest first, as CSV with the hashes (so a printed copy can be checked later). */
    async exportCsv(db: SqlExecutor, filter: AuditFilter, maxRows = 200_000) {
      const header = [
        'seq',
        'time (UTC)',
        'actor id',
        'actor',
        'action',
        'subject type',
        'subject id',
        'content hash',
        'details',
        'previous hash',
        'hash',
      ];
      const lines = [header.map(csvCell).join(',')];
      let afterSeq = 0;
      for (;;) {
        const params: SqlValue[] = [];
        const where = filterSql(filter, params);
        params.push(afterSeq);
        where.push(`seq > $${params.length}`);
        params.push(Math.min(1000, maxRows - (lines.length - 1)));
        const rows = (
          await db.all(
            `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`,
            params,
          )
        ).map(toEntry);
        for (const e of rows) {
          lines.push(
            [
              e.seq,
              e.at,
              e.actorId,
              e.actorName,
              e.action,
              e.subjectType,
              e.subjectId,
              e.contentHash,
              e.details,
              e.prevHash,
              e.hash,
            ]
              .map(csvCell)
              .join(','),
          );
        }
        const last = rows.at(-1);
        if (!last || lines.length - 1 >= maxRows) break;
        afterSeq = last.seq;
      }
      return { csv: `${lines.join('\r\n')}\r\n`, rows: lines.length - 1 };
    },

    verify: (db: SqlExecutor) => verifyAuditChain(db),
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/**
 * Walks the whole chain in order and names the first row that does not fit:
 * a gap in the sequence, a `prev_hash` that is not the previous row's hash, or
 * a hash that does not match the row's own fields (a row edited in place).
 */
export async function verifyAuditChain(db: SqlExecutor): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  for (;;) {
    const page = await db.all(`SELECT ${COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 2000`, [
      expectedSeq,
    ]);
    if (page.length === 0) break;
    for (const raw of page) {
      let entry: AuditEntry;
      try {
        entry = toEntry(raw);
      } catch {
        return { ok: false, rows, firstBrokenSeq: expectedSeq, reason: 'the row cannot be read (a field is damaged)' };
      }
      if (entry.seq !== expectedSeq) {
        return {
          ok: false,
          rows,
          firstBrokenSeq: expectedSeq,
          reason: `row ${expectedSeq} is missing (the next row is ${entry.seq})`,
        };
      }
      if (entry.prevHash !== prevHash) {
        return {
          ok: false,
          rows,
          firstBrokenSeq: entry.seq,
          reason: 'its previous-row hash does not match the row before it (a row was removed or replaced)',
        };
      }
      if (auditHash(prevHash, entry) !== entry.hash) {
        return {
          ok: false,
          rows,
          firstBrokenSeq: entry.seq,
          reason: 'its contents do not match its hash (the row was changed after it was written)',
        };
      }
      prevHash = entry.hash;
      expectedSeq += 1;
      rows += 1;
    }
  }
  return { ok: true, rows, headHash: rows === 0 ? null : prevHash };
}
