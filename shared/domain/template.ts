import { z } from 'zod';
import { DocSchema } from '../content/doc.ts';
import { Summary, Title, UpdateId } from './update.ts';

/** Built-in templates have fixed ids ("builtin:…"); saved ones have UUIDs. */
export const TemplateId = z.union([z.uuid(), z.string().regex(/^builtin:[a-z-]{1,40}$/)], {
  message: 'Must be a template id',
});

export const TemplateName = z
  .string()
  .trim()
  .min(1, 'Give the template a name')
  .max(80, 'A template name can be at most 80 characters');

/** A starting point for an update: the master content without its history. */
export const Template = z.object({
  id: TemplateId,
  name: z.string(),
  title: z.string(),
  summary: z.string(),
  body: DocSchema,
  builtIn: z.boolean(),
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type Template = z.infer<typeof Template>;

export const SaveAsTemplate = z.object({ updateId: UpdateId, name: TemplateName });
export const UseTemplate = z.object({ templateId: TemplateId, title: Title.optional(), summary: Summary.optional() });
