import { emptyDoc, sanitizeDoc, type Doc } from '../../../shared/content/doc.ts';
import { docToHtml, docToPlainText, excerptFromText } from '../../../shared/content/render.ts';
import type { ParsedInput } from '../../../shared/contract.ts';
import type { Update, UpdateVersion } from '../../../shared/domain/update.ts';
import type { Channels, Variants } from '../../../shared/domain/variants.ts';
import { CoreError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb, SqlExecutor } from '../store/sql.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireRole, type Actor } from '../people/actor.ts';
import { contentHashOf } from './content-hash.ts';
import { createUpdatesRepository, decodeCursor, type StoredUpdate } from './updates-repository.ts';

export type UpdatesDeps = {
  db: SqlDb;
  events: EventBus;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  audit: AuditLog;
  /** What an edit does to a review or approval in progress (voids it), inside the saving transaction. */
  onEdited?: (tx: SqlExecutor, actor: Actor, before: Update, after: Update) => Promise<boolean>;
  /** After the saving transaction commits. */
  afterEdited?: (updateId: string) => void;
};

/**
 * Text both engines can store alike: SQLite keeps U+0000 and unpaired surrogates,
 * PostgreSQL refuses them (text columns and jsonb), so they are dropped here.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '').toWellFormed();
}

/** Every string inside a JSON value made storable; with `dropEmptyText`, body text nodes left empty are removed. */
function storableJson<T>(value: T, dropEmptyText = false): T {
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return storableText(v);
    if (Array.isArray(v)) {
      const items = v.map(clean);
      return dropEmptyText
        ? items.filter(
            (i) => !(i && typeof i === 'object' && 'type' in i && i.type === 'text' && 'text' in i && i.text === ''),
          )
        : items;
    }
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x)]));
    return v;
  };
  return clean(value) as T;
}

/** A body with every string made storable, and text nodes left empty by that removed. */
export function storableDoc(doc: Doc): Doc {
  return storableJson(doc, true);
}

type MasterContent = { title: string; summary: string; body: Doc; channels: Channels; variants: Variants };

/** Creating, autosaving and listing updates. */
export function createUpdatesService({ db, events, logger, now, newId, audit, onEdited, afterEdited }: UpdatesDeps) {
  const repo = createUpdatesRepository(db);

  /** Derives everything stored beside the master content; the body is sanitised here, not trusted. */
  const prepare = (id: string, content: MasterContent, revision: number, savedBy: string | null) => {
    const { doc, removedLinks } = sanitizeDoc(storableDoc(content.body));
    if (removedLinks.length > 0) logger.warn('Removed unsafe links from a body', { id, count: removedLinks.length });
    const title = storableText(content.title);
    const summary = storableText(content.summary);
    const variants = storableJson(content.variants);
    const time = now().toISOString();
    return {
      id,
      title,
      summary,
      body: doc,
      channels: content.channels,
      variants,
      bodyHtml: docToHtml(doc),
      bodyText: docToPlainText(doc),
      revision,
      contentHash: contentHashOf({ title, summary, body: doc, channels: content.channels, variants }),
      createdAt: time,
      updatedAt: time,
      savedBy,
    } satisfies StoredUpdate;
  };

  return {
    async create(input: ParsedInput<'updates.create'>, actor: Actor): Promise<Update> {
      requireRole(actor, ['author'], 'write updates');
      const stored = prepare(
        newId(),
        {
          title: input.title,
          summary: input.summary,
          body: input.body ?? emptyDoc(),
          channels: input.channels,
          variants: input.variants,
        },
        1,
        actor.id,
      );
      const update = await db.transaction(async (tx) => {
        const created = await createUpdatesRepository(tx).insert(stored);
        await audit.record(tx, actor, {
          action: 'update.created',
          subjectType: 'update',
          subjectId: created.id,
          contentHash: created.contentHash,
          details: { revision: 1, title: created.title },
        });
        return created;
      });
      events.emit('update.changed', { id: update.id, revision: update.revision, updatedAt: update.updatedAt });
      return update;
    },

    async get(id: string): Promise<Update> {
      const update = await repo.get(id);
      if (!update) throw new CoreError('not_found', 'That update does not exist (it may have been deleted)');
      return update;
    },

    /** Saves a new revision. A save based on an older revision is refused, so two editors never overwrite each other silently. */
    async save(input: ParsedInput<'updates.save'>, actor: Actor): Promise<Update> {
      requireRole(actor, ['author'], 'edit updates');
      const result = await db.transaction(async (tx) => {
        const txRepo = createUpdatesRepository(tx);
        const current = await txRepo.get(input.id);
        if (!current) throw new CoreError('not_found', 'That update does not exist (it may have been deleted)');
        if (current.revision !== input.baseRevision) {
          throw new CoreError(
            'conflict',
            `This update was changed elsewhere (now revision ${current.revision}, you edited revision ${input.baseRevision}). Reload it to see the latest.`,
          );
        }
        const next = prepare(
          input.id,
          { ...input, channels: input.channels ?? current.channels, variants: input.variants ?? current.variants },
          current.revision + 1,
          actor.id,
        );
        if (next.contentHash === current.contentHash) return { update: current, changed: false, reviewChanged: false };
        const stored = { ...next, createdAt: current.createdAt };
        if (!(await txRepo.saveRevision(stored, input.baseRevision))) {
          throw new CoreError(
            'conflict',
            'This update was changed elsewhere while saving. Reload it to see the latest.',
          );
        }
        const saved = (await txRepo.get(input.id)) as Update;
        const reviewChanged = (await onEdited?.(tx, actor, current, saved)) ?? false;
        await audit.record(tx, actor, {
          action: 'update.edited',
          subjectType: 'update',
          subjectId: saved.id,
          contentHash: saved.contentHash,
          details: { revision: saved.revision, previousContentHash: current.contentHash },
        });
        return { update: (await txRepo.get(input.id)) as Update, changed: true, reviewChanged };
      });
      if (result.changed) {
        const u = result.update;
        events.emit('update.changed', { id: u.id, revision: u.revision, updatedAt: u.updatedAt });
        if (result.reviewChanged) afterEdited?.(u.id);
      }
      return result.update;
    },

    async list(input: ParsedInput<'updates.list'>) {
      const after = input.cursor === undefined ? null : decodeCursor(input.cursor);
      if (input.cursor !== undefined && !after) {
        throw new CoreError('invalid_input', 'Invalid input: cursor: not a cursor from this list', { field: 'cursor' });
      }
      const page = await repo.list({
        limit: input.limit,
        after,
        search: storableText(input.search ?? '') || undefined,
      });
      return {
        items: page.items.map(({ bodyText, ...rest }) => ({
          ...rest,
          excerpt: excerptFromText(bodyText),
        })),
        nextCursor: page.nextCursor,
      };
    },

    async versions(id: string, limit = 100) {
      await this.get(id);
      return repo.versions(id, limit);
    },

    async version(id: string, revision: number): Promise<UpdateVersion> {
      const found = await repo.version(id, revision);
      if (!found) throw new CoreError('not_found', `This update has no version ${revision}`);
      return { ...found, bodyHtml: docToHtml(found.body) };
    },

    /** Restoring is a save of the old content, so history only ever grows and the restore is itself undoable. */
    async restore(input: ParsedInput<'updates.restore'>, actor: Actor): Promise<Update> {
      const old = await this.version(input.id, input.revision);
      return this.save(
        {
          id: input.id,
          baseRevision: input.baseRevision,
          title: old.title,
          summary: old.summary,
          body: old.body,
          channels: old.channels,
          variants: old.variants,
        },
        actor,
      );
    },
  };
}

export type UpdatesService = ReturnType<typeof createUpdatesService>;
