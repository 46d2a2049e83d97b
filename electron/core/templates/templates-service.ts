import { z } from 'zod';
import { DocSchema, sanitizeDoc } from '../../../shared/content/doc.ts';
import { EXAMPLE_TEMPLATES } from '../../../shared/content/example-templates.ts';
import type { ParsedInput } from '../../../shared/contract.ts';
import type { Template } from '../../../shared/domain/template.ts';
import type { Update } from '../../../shared/domain/update.ts';
import { DEFAULT_CHANNELS } from '../../../shared/domain/variants.ts';
import type { Actor } from '../people/actor.ts';
import { CoreError } from '../errors.ts';
import type { SqlDb } from '../store/sql.ts';
import type { UpdatesService } from '../updates/updates-service.ts';

const TemplateRow = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  summary: z.string(),
  body_json: z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), DocSchema),
  updated_at: z.string(),
});

const builtIns: Template[] = EXAMPLE_TEMPLATES.map((t) => ({ ...t, builtIn: true, updatedAt: null }));

/** Templates: the shipped examples plus the team's own, saved from an update. */
export function createTemplatesService(deps: {
  db: SqlDb;
  updates: UpdatesService;
  now: () => Date;
  newId: () => string;
}) {
  const { db, updates } = deps;

  const find = async (id: string): Promise<Template> => {
    const builtIn = builtIns.find((t) => t.id === id);
    if (builtIn) return builtIn;
    const row = await db.one('SELECT id, name, title, summary, body_json, updated_at FROM templates WHERE id = $1', [
      id,
    ]);
    if (!row) throw new CoreError('not_found', 'That template does not exist (it may have been deleted)');
    return toTemplate(row);
  };

  return {
    async list(): Promise<Template[]> {
      const rows = await db.all(
        'SELECT id, name, title, summary, body_json, updated_at FROM templates ORDER BY lower(name)',
      );
      return [...builtIns, ...rows.map(toTemplate)];
    },

    /** Saves an update's current content as a named template. Names are unique, ignoring case. */
    async saveFromUpdate(input: ParsedInput<'templates.saveFromUpdate'>): Promise<Template> {
      const update = await updates.get(input.updateId);
      const lower = input.name.toLowerCase();
      if (builtIns.some((t) => t.name.toLowerCase() === lower)) {
        throw new CoreError('conflict', `"${input.name}" is the name of a built-in template. Choose another name.`, {
          field: 'name',
        });
      }
      const time = deps.now().toISOString();
      const id = deps.newId();
      try {
        await db.run(
          `INSERT INTO templates (id, name, title, summary, body_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
          [id, input.name, update.title, update.summary, JSON.stringify(sanitizeDoc(update.body).doc), time],
        );
      } catch (error) {
        if (await db.one('SELECT id FROM templates WHERE lower(name) = $1', [lower])) {
          throw new CoreError('conflict', `There is already a template called "${input.name}". Choose another name.`, {
            field: 'name',
          });
        }
        throw error;
      }
      return find(id);
    },

    async remove(id: string): Promise<{ deleted: boolean }> {
      if (builtIns.some((t) => t.id === id)) {
        throw new CoreError('forbidden', 'Built-in templates cannot be deleted.');
      }
      const { changes } = await db.run('DELETE FROM templates WHERE id = $1', [id]);
      return { deleted: changes === 1 };
    },

    /** Starts a new update from a template; the template itself is not changed. */
    async use(input: ParsedInput<'templates.use'>, actor: Actor): Promise<Update> {
      const template = await find(input.templateId);
      return updates.create(
        {
          title: input.title ?? template.title,
          summary: input.summary ?? template.summary,
          body: template.body,
          channels: DEFAULT_CHANNELS,
          variants: {},
        },
        actor,
      );
    },
  };
}

function toTemplate(row: unknown): Template {
  const r = TemplateRow.parse(row);
  return {
    id: r.id,
    name: r.name,
    title: r.title,
    summary: r.summary,
    body: r.body_json,
    builtIn: false,
    updatedAt: r.updated_at,
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
