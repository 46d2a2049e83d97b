import type { checkMethods } from '../../../shared/contracts/checks.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { checkUpdateForSending } from './check-for-sending.ts';
import type { UpdatesService } from './updates-service.ts';

export function createCheckHandlers(deps: {
  updates: UpdatesService;
  settings: SettingsStore;
}): HandlersFor<keyof typeof checkMethods> {
  return {
    'updates.check': async ({ id }) => checkUpdateForSending(await deps.updates.get(id), await deps.settings.read()),
  };
}
