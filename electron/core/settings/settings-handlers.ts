import type { settingsMethods } from '../../../shared/contracts/settings.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { mergeSettings, type SettingsStore } from './settings-store.ts';

/** Settings and secrets methods. Secret values go in and never come out. */
export function createSettingsHandlers(deps: {
  settings: SettingsStore;
  secrets: SecretStore;
  events: EventBus;
  logger: Logger;
}): HandlersFor<keyof typeof settingsMethods> {
  return {
    'settings.get': () => deps.settings.read(),
    'settings.update': async (patch) => {
      const next = mergeSettings(await deps.settings.read(), patch);
      await deps.settings.write(next);
      deps.events.emit('settings.changed', next);
      return next;
    },
    'secrets.list': () => deps.secrets.list(),
    'secrets.set': async ({ name, value }) => {
      const status = await deps.secrets.set(name, value);
      deps.logger.info('Secret stored', { name });
      return status;
    },
    'secrets.delete': async ({ name }) => ({ deleted: await deps.secrets.delete(name) }),
  };
}
