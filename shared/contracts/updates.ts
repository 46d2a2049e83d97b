import { z } from 'zod';
import { CreateUpdate, ListUpdates, SaveUpdate, Update, UpdateId, UpdatePage } from '../domain/update.ts';
import { method } from './method.ts';

export const updateMethods = {
  'updates.create': method(CreateUpdate, Update, 'Start a new update'),
  'updates.get': method(z.object({ id: UpdateId }), Update, 'Read one update as last saved'),
  'updates.list': method(ListUpdates, UpdatePage, 'Updates, most recently edited first'),
  'updates.save': method(SaveUpdate, Update, 'Save a new revision of an update (autosave)'),
} as const;

export const updateEvents = {
  'update.changed': z.object({ id: UpdateId, revision: z.number().int().positive(), updatedAt: z.string() }),
} as const;
