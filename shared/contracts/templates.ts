import { z } from 'zod';
import { SaveAsTemplate, Template, TemplateId, UseTemplate } from '../domain/template.ts';
import { Update } from '../domain/update.ts';
import { Empty, method } from './method.ts';

export const templateMethods = {
  'templates.list': method(Empty, z.array(Template), 'Built-in and saved templates'),
  'templates.saveFromUpdate': method(SaveAsTemplate, Template, "Save an update's content as a named template"),
  'templates.delete': method(
    z.object({ id: TemplateId }),
    z.object({ deleted: z.boolean() }),
    'Delete a saved template',
  ),
  'templates.use': method(UseTemplate, Update, 'Start a new update from a template'),
} as const;
