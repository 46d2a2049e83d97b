import type { z } from 'zod';
import { appEvents, appMethods } from './contracts/app.ts';
import { auditMethods } from './contracts/audit.ts';
import { peopleMethods } from './contracts/people.ts';
import { reviewEvents, reviewMethods } from './contracts/review.ts';
import { checkMethods } from './contracts/checks.ts';
import { emailEvents, emailMethods } from './contracts/email.ts';
import { mediaMethods } from './contracts/media.ts';
import { queueEvents, queueMethods } from './contracts/queue.ts';
import { settingsEvents, settingsMethods } from './contracts/settings.ts';
import { templateMethods } from './contracts/templates.ts';
import { updateEvents, updateMethods } from './contracts/updates.ts';

export { AppInfo } from './contracts/app.ts';

/**
 * The single list of what a UI can ask the core to do, assembled from one
 * file per feature in shared/contracts/. The IPC handler, the preload, the
 * web host and the renderer client are all generated from it, so nothing
 * else names a method string.
 */
export const contract = {
  ...appMethods,
  ...updateMethods,
  ...settingsMethods,
  ...templateMethods,
  ...queueMethods,
  ...mediaMethods,
  ...checkMethods,
  ...peopleMethods,
  ...reviewMethods,
  ...auditMethods,
  ...emailMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
/** What a handler receives: the input after parsing (defaults filled in). */
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;

/** Events the core (or the desktop shell, for app.command) sends to UIs. */
export const events = {
  ...appEvents,
  ...updateEvents,
  ...settingsEvents,
  ...queueEvents,
  ...reviewEvents,
  ...emailEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export type CoreEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** IPC channel names: the only two strings the preload and main share. */
export const IPC_INVOKE = 'crier:invoke';
export const IPC_EVENT = 'crier:event';
