import { z } from 'zod';
import { DocSchema, type Doc } from '../../../shared/content/doc.ts';
import { mediaIdsOf } from '../../../shared/content/images.ts';
import { markMediaUsed } from '../media/media-repository.ts';
import { Channels, Variants } from '../../../shared/domain/variants.ts';
import { ReviewState } from '../../../shared/domain/review-state.ts';
import type { Update, UpdateSummary, UpdateVersion, UpdateVersionSummary } from '../../../shared/domain/update.ts';
import { likePattern, type Row, type SqlExecutor } from '../store/sql.ts';

/** A stored body comes back as text from SQLite and as an object from PostgreSQL's jsonb. */
const JsonColumn = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), DocSchema);
const ChannelsColumn = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), Channels);
const VariantsColumn = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), Variants);
const TagsColumn = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(z.string()));

const UpdateRow = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  body_json: JsonColumn,
  channels_json: ChannelsColumn,
  variants_json: VariantsColumn,
  body_html: z.string(),
  revision: z.coerce.number().int(),
  content_hash: z.string(),
  review_state: ReviewState,
  tags_json: TagsColumn,
  created_by: z.string().nullable(),
  created_by_name: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const VersionSummaryRow = z.object({
  revision: z.coerce.number().int(),
  title: z.string(),
  content_hash: z.string(),
  saved_at: z.string(),
});

const VersionRow = VersionSummaryRow.extend({
  update_id: z.string(),
  summary: z.string(),
  body_json: JsonColumn,
  channels_json: ChannelsColumn,
  variants_json: VariantsColumn,
});

const SummaryRow = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  body_text: z.string(),
  revision: z.coerce.number().int(),
  review_state: ReviewState,
  created_at: z.string(),
  updated_at: z.string(),
});

export type StoredUpdate = {
  id: string;
  title: string;
  summary: string;
  body: Doc;
  channels: Channels;
  variants: Variants;
  bodyHtml: string;
  bodyText: string;
  revision: number;
  contentHash: string;
  createdAt: string;
  updatedAt: string;
  /** Who saved this revision (null for rows from before people existed). */
  savedBy: string | null;
};

function toUpdate(row: Row): Update {
  const r = UpdateRow.parse(row);
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    body: r.body_json,
    channels: r.channels_json,
    variants: r.variants_json,
    bodyHtml: r.body_html,
    revision: r.revision,
    contentHash: r.content_hash,
    reviewState: r.review_state,
    tags: r.tags_json,
    createdBy: r.created_by ? { id: r.created_by, name: r.created_by_name ?? '' } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Keyset cursor over (updated_at, id): stable while rows are being edited. */
export function encodeCursor(updatedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([updatedAt, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { updatedAt: string; id: string } | null {
  try {
    const parsed = z
      .tuple([z.iso.datetime(), z.uuid()])
      .safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { updatedAt: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

const UPDATE_SELECT = `SELECT u.id, u.title, u.summary, u.body_json, u.channels_json, u.variants_json, u.body_html,
    u.revision, u.content_hash, u.review_state, u.tags_json, u.created_by, cb.name AS created_by_name, u.created_at,
    u.updated_at
  FROM updates u LEFT JOIN users cb ON cb.id = u.created_by`;

/** Reads and writes updates. Written once, run on SQLite and PostgreSQL alike. */
export function createUpdatesRepository(db: SqlExecutor) {
  const json = (value: unknown) => JSON.stringify(value);
  return {
    async insert(u: StoredUpdate): Promise<Update> {
      await db.run(
        `INSERT INTO updates (id, title, summary, body_json, body_html, body_text, revision, content_hash, created_at, updated_at,
           channels_json, variants_json, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          u.id,
          u.title,
          u.summary,
          json(u.body),
          u.bodyHtml,
          u.bodyText,
          u.revision,
          u.contentHash,
          u.createdAt,
          u.updatedAt,
          json(u.channels),
          json(u.variants),
          u.savedBy,
        ],
      );
      await this.insertVersion(u);
      return (await this.get(u.id)) as Update;
    },

    async insertVersion(u: StoredUpdate): Promise<void> {
      await db.run(
        `INSERT INTO update_versions (update_id, revision, title, summary, body_json, content_hash, saved_at,
           channels_json, variants_json, saved_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          u.id,
          u.revision,
          u.title,
          u.summary,
          json(u.body),
          u.contentHash,
          u.updatedAt,
          json(u.channels),
          json(u.variants),
          u.savedBy,
        ],
      );
      // In the same transaction: the clean-up of unused images waits on (or skips) an image a version now uses.
      await markMediaUsed(db, mediaIdsOf(u.body), u.updatedAt);
    },

    /** Writes a new revision only if the stored one is still `baseRevision`. Returns false on a lost race. */
    async saveRevision(u: StoredUpdate, baseRevision: number): Promise<boolean> {
      const { changes } = await db.run(
        `UPDATE updates SET title = $1, summary = $2, body_json = $3, body_html = $4, body_text = $5,
           revision = $6, content_hash = $7, updated_at = $8, channels_json = $11, variants_json = $12
         WHERE id = $9 AND revision = $10`,
        [
          u.title,
          u.summary,
          json(u.body),
          u.bodyHtml,
          u.bodyText,
          u.revision,
          u.contentHash,
          u.updatedAt,
          u.id,
          baseRevision,
          json(u.channels),
          json(u.variants),
        ],
      );
      if (changes !== 1) return false;
      await this.insertVersion(u);
      return true;
    },

    async get(id: string): Promise<Update | undefined> {
      const row = await db.one(`${UPDATE_SELECT} WHERE u.id = $1`, [id]);
      return row ? toUpdate(row) : undefined;
    },

    async revisionOf(id: string): Promise<number | undefined> {
      const row = await db.one('SELECT revision FROM updates WHERE id = $1', [id]);
      return row ? Number(row.revision) : undefined;
    },

    async list(opts: { limit: number; after?: { updatedAt: string; id: string } | null; search?: string | undefined }) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (opts.after) {
        params.push(opts.after.updatedAt, opts.after.id);
        where.push(`(updated_at < $1 OR (updated_at = $1 AND id < $2))`);
      }
      if (opts.search) {
        params.push(likePattern(opts.search.toLowerCase()));
        const p = `$${params.length}`;
        where.push(
          `(lower(title) LIKE ${p} ESCAPE '\\' OR lower(summary) LIKE ${p} ESCAPE '\\' OR lower(body_text) LIKE ${p} ESCAPE '\\')`,
        );
      }
      params.push(opts.limit + 1);
      const rows = await db.all(
        `SELECT id, title, summary, body_text, revision, review_state, created_at, updated_at FROM updates
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY updated_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      const parsed = rows.map((row) => SummaryRow.parse(row));
      const page = parsed.slice(0, opts.limit);
      const last = page.at(-1);
      return {
        items: page.map((r): Omit<UpdateSummary, 'excerpt'> & { bodyText: string } => ({
          id: r.id,
          title: r.title,
          summary: r.summary,
          bodyText: r.body_text,
          revision: r.revision,
          reviewState: r.review_state,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
        nextCursor: parsed.length > opts.limit && last ? encodeCursor(last.updated_at, last.id) : null,
      };
    },

    async versions(id: string, limit = 100): Promise<UpdateVersionSummary[]> {
      const rows = await db.all(
        `SELECT revision, title, content_hash, saved_at FROM update_versions
         WHERE update_id = $1 ORDER BY revision DESC LIMIT $2`,
        [id, limit],
      );
      return rows.map((row) => {
        const r = VersionSummaryRow.parse(row);
        return { revision: r.revision, title: r.title, contentHash: r.content_hash, savedAt: r.saved_at };
      });
    },

    async version(id: string, revision: number): Promise<Omit<UpdateVersion, 'bodyHtml'> | undefined> {
      const row = await db.one(
        `SELECT update_id, revision, title, summary, body_json, channels_json, variants_json, content_hash, saved_at
         FROM update_versions
         WHERE update_id = $1 AND revision = $2`,
        [id, revision],
      );
      if (!row) return undefined;
      const r = VersionRow.parse(row);
      return {
        updateId: r.update_id,
        revision: r.revision,
        title: r.title,
        summary: r.summary,
        body: r.body_json,
        channels: r.channels_json,
        variants: r.variants_json,
        contentHash: r.content_hash,
        savedAt: r.saved_at,
      };
    },
  };
}

export type UpdatesRepository = ReturnType<typeof createUpdatesRepository>;
