import type { checkMethods } from '../../../shared/contracts/checks.ts';
import type { HandlersFor } from '../dispatch.ts';
import { strictestKnownLimits } from '../queue/known-limits.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { SqlExecutor } from '../store/sql.ts';
import { checkUpdateForSending } from './check-for-sending.ts';
import type { UpdatesService } from './updates-service.ts';

export function createCheckHandlers(deps: {
  db: SqlExecutor;
  updates: UpdatesService;
  settings: SettingsStore;
}): HandlersFor<keyof typeof checkMethods> {
  return {
    // With the connected channels' own limits (a Mastodon instance's), as the compose page's counters use them.
    'updates.check': async ({ id }) =>
      checkUpdateForSending(
        await deps.updates.get(id),
        await deps.settings.read(),
        await strictestKnownLimits(deps.db),
      ),
  };
}
