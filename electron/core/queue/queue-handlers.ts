import { z } from 'zod';
import type { queueMethods } from '../../../shared/contracts/queue.ts';
import { createChannelRegistry, type ChannelRegistry } from '../channels/registry.ts';
import type { HandlersFor } from '../dispatch.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb } from '../store/sql.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { createChannelTargets, secretSpecsOf } from './channel-targets.ts';
import type { QueuePolicy } from './delivery-state.ts';
import { createQueueService, type QueueServiceDeps } from './queue-service.ts';
import { createRetract } from './retract.ts';

export type QueueHandlerDeps = {
  db: SqlDb;
  events: EventBus;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** The channel kinds this host can publish to; none when the host ships no adapters. */
  channels?: ChannelRegistry | undefined;
  policy?: QueuePolicy;
  readSettings: QueueServiceDeps['readSettings'];
  audit: QueueServiceDeps['audit'];
  secrets: SecretStore;
  /** How long "Test connection" waits (default 20 s). */
  channelTestTimeoutMs?: number | undefined;
  fetch?: typeof fetch;
};

/** The queue's contract methods, for app.ts to spread into the handler map. */
export function createQueueHandlers(deps: QueueHandlerDeps): HandlersFor<keyof typeof queueMethods> {
  const channels = deps.channels ?? createChannelRegistry([]);
  const queue = createQueueService({ ...deps, channels });
  const targets = createChannelTargets({
    ...deps,
    channels,
    ...(deps.channelTestTimeoutMs === undefined ? {} : { testTimeoutMs: deps.channelTestTimeoutMs }),
  });
  const retract = createRetract({ ...deps, channels, ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }) });
  return {
    'queue.publish': (input, { actor }) => queue.publish(input, actor),
    'queue.markReviewed': ({ publicationId }, { actor }) => queue.markReviewed(publicationId, actor),
    'queue.list': (input) => queue.list(input),
    'queue.get': ({ publicationId }) => queue.get(publicationId),
    'queue.cancel': ({ deliveryId }, { actor }) => queue.cancel(deliveryId, actor),
    'queue.retry': ({ deliveryId }, { actor }) => queue.retry(deliveryId, actor),
    'queue.resolve': (input, { actor }) => queue.resolve(input, actor),
    'queue.counts': () => queue.counts(),
    'queue.retract': ({ deliveryId }, { actor }) => retract.retract(deliveryId, actor),
    'channels.list': (input) => targets.list(input),
    'channels.updateSettings': (input, { actor }) => targets.updateSettings(input, actor),
    'channels.kinds': async () =>
      channels.list().map((adapter) => ({
        kind: adapter.kind,
        displayName: adapter.displayName,
        // The input side, so fields with defaults are optional in the form, as they are to the adapter.
        settingsSchema: z.toJSONSchema(adapter.settingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<
          string,
          unknown
        >,
        // Names and how to ask for them; values are never part of any answer.
        secrets: secretSpecsOf(adapter).map((s) => ({
          name: s.name,
          label: s.label,
          hint: s.hint,
          maxLength: s.maxLength ?? 2000,
          optional: s.optional === true,
          multiline: s.multiline === true,
        })),
        contentKind: adapter.limits.contentKind,
        canRetract: adapter.retract !== undefined,
      })),
    'channels.create': (input, { actor }) => targets.create(input, actor),
    'channels.test': (input, { actor }) => targets.test(input, actor),
    'channels.setSecrets': (input, { actor }) => targets.setSecrets(input, actor),
    'channels.remove': ({ targetId }, { actor }) => targets.remove(targetId, actor),
  };
}
