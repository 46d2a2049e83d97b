import { z } from 'zod';
import { CreateUpdate, ListUpdates, SaveUpdate, Update, UpdateId, UpdatePage } from './domain/update.ts';
import { SecretName, SecretStatus, Settings, SettingsPatch } from './domain/settings.ts';

/**
 * The single list of what a UI can ask the core to do. The IPC handler, the
 * preload, the web host and the renderer client are all generated from it,
 * so nothing else names a method string.
 */
const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) =>
  ({ input, output, summary }) as const;

const Empty = z.object({}).strict();

export const AppInfo = z.object({
  name: z.literal('Town Crier'),
  version: z.string(),
  storage: z.object({
    engine: z.enum(['sqlite', 'postgres']),
    /** Where the data lives, with any password removed. */
    location: z.string(),
  }),
});

export const contract = {
  'app.info': method(Empty, AppInfo, 'Version and storage of this Town Crier'),
  'updates.create': method(CreateUpdate, Update, 'Start a new update'),
  'updates.get': method(z.object({ id: UpdateId }), Update, 'Read one update as last saved'),
  'updates.list': method(ListUpdates, UpdatePage, 'Updates, most recently edited first'),
  'updates.save': method(SaveUpdate, Update, 'Save a new revision of an update (autosave)'),
  'settings.get': method(Empty, Settings, 'Read the settings'),
  'settings.update': method(SettingsPatch, Settings, 'Change some settings'),
  'secrets.list': method(Empty, z.array(SecretStatus), 'Which secrets are set (never their values)'),
  'secrets.set': method(
    z.object({ name: SecretName, value: z.string().min(1).max(16_384) }),
    SecretStatus,
    'Store a secret, encrypted at rest',
  ),
  'secrets.delete': method(z.object({ name: SecretName }), z.object({ deleted: z.boolean() }), 'Forget a secret'),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
/** What a handler receives: the input after parsing (defaults filled in). */
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;

export const events = {
  'update.changed': z.object({ id: UpdateId, revision: z.number().int().positive(), updatedAt: z.string() }),
  'settings.changed': Settings,
  /** A command chosen in the desktop app's menu, carried out by the renderer (File → New update). */
  'app.command': z.object({ command: z.enum(['new-update']) }),
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
