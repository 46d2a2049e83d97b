import { z } from 'zod';
import {
  CreateUpdate,
  ListUpdates,
  RestoreVersion,
  SaveUpdate,
  Update,
  UpdateId,
  UpdatePage,
  UpdateVersion,
  UpdateVersionSummary,
  VersionRef,
} from '../domain/update.ts';
import { method } from './method.ts';

export const updateMethods = {
  'updates.create': method(CreateUpdate, Update, 'Start a new update'),
  'updates.get': method(z.object({ id: UpdateId }), Update, 'Read one update as last saved'),
  'updates.list': method(ListUpdates, UpdatePage, 'Updates, most recently edited first'),
  'updates.save': method(SaveUpdate, Update, 'Save a new revision of an update (autosave)'),
  'updates.versions': method(
    z.object({ id: UpdateId, limit: z.number().int().min(1).max(500).default(100) }),
    z.array(UpdateVersionSummary),
    'Saved versions of an update, newest first',
  ),
  'updates.version': method(VersionRef, UpdateVersion, 'One saved version, as it was'),
  'updates.restore': method(RestoreVersion, Update, 'Make an old version the current one (saved as a new version)'),
} as const;

export const updateEvents = {
  'update.changed': z.object({ id: UpdateId, revision: z.number().int().positive(), updatedAt: z.string() }),
} as const;
