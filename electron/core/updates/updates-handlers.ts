import type { updateMethods } from '../../../shared/contracts/updates.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { UpdatesService } from './updates-service.ts';

export function createUpdatesHandlers(updates: UpdatesService): HandlersFor<keyof typeof updateMethods> {
  return {
    'updates.create': (input, { actor }) => updates.create(input, actor),
    'updates.get': ({ id }) => updates.get(id),
    'updates.list': (input) => updates.list(input),
    'updates.save': (input, { actor }) => updates.save(input, actor),
    'updates.versions': ({ id, limit }) => updates.versions(id, limit),
    'updates.version': ({ id, revision }) => updates.version(id, revision),
    'updates.restore': (input, { actor }) => updates.restore(input, actor),
  };
}
