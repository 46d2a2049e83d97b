import type { settingsMethods } from '../../../shared/contracts/settings.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { AuditLog, AuditRecord } from '../audit/audit-log.ts';
import { requireRole, type UserActor } from '../people/actor.ts';
import type { SqlDb } from '../store/sql.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { mergeSettings, type SettingsStore } from './settings-store.ts';

/** Settings and secrets methods. Secret values go in and never come out. */
export function createSettingsHandlers(deps: {
  db: SqlDb;
  audit: AuditLog;
  settings: SettingsStore;
  secrets: SecretStore;
  events: EventBus;
  logger: Logger;
}): HandlersFor<keyof typeof settingsMethods> {
  const record = (actor: UserActor, entry: AuditRecord) =>
    deps.db.transaction((tx) => deps.audit.record(tx, actor, entry));
  return {
    'settings.get': () => deps.settings.read(),
    'settings.update': async (patch, { actor }) => {
      requireRole(actor, ['admin'], 'change settings');
      const before = await deps.settings.read();
      const next = mergeSettings(before, patch);
      await deps.settings.write(next);
      const changed = Object.keys(patch).filter(
        (k) => JSON.stringify(before[k as keyof typeof before]) !== JSON.stringify(next[k as keyof typeof next]),
      );
      if (changed.length > 0) {
        await record(actor, {
          action: 'settings.changed',
          subjectType: 'settings',
          subjectId: null,
          details: Object.fromEntries(changed.map((k) => [k, next[k as keyof typeof next]])),
        });
      }
      deps.events.emit('settings.changed', next);
      return next;
    },
    'secrets.list': () => deps.secrets.list(),
    'secrets.set': async ({ name, value }, { actor }) => {
      requireRole(actor, ['admin'], 'store passwords and tokens');
      const status = await deps.secrets.set(name, value);
      deps.logger.info('Secret stored', { name });
      // The name only: a secret's value never reaches a log or the audit trail.
      await record(actor, { action: 'channel.secret_set', subjectType: 'secret', subjectId: name });
      return status;
    },
    'secrets.delete': async ({ name }, { actor }) => {
      requireRole(actor, ['admin'], 'remove passwords and tokens');
      const deleted = await deps.secrets.delete(name);
      if (deleted) await record(actor, { action: 'channel.secret_deleted', subjectType: 'secret', subjectId: name });
      return { deleted };
    },
  };
}
