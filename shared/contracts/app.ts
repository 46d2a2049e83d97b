import { z } from 'zod';
import { Empty, method } from './method.ts';

export const AppInfo = z.object({
  name: z.literal('Town Crier'),
  version: z.string(),
  storage: z.object({
    engine: z.enum(['sqlite', 'postgres']),
    /** Where the data lives, with any password removed. */
    location: z.string(),
  }),
});

/** Whether this host runs the queue worker, for the status bar ("Worker running" / "Worker stopped"). */
export const AppStatus = z.object({
  worker: z.object({
    /** `off`: this host was started without a worker (another process publishes). */
    state: z.enum(['running', 'stopping', 'stopped', 'off']),
    /** Sends in progress in this host's worker. */
    sending: z.number().int().nonnegative(),
  }),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const appMethods = {
  'app.info': method(Empty, AppInfo, 'Version and storage of this Town Crier', { access: 'public' }),
  'app.status': method(Empty, AppStatus, 'Whether this Town Crier is publishing (its queue worker)'),
} as const;

export const appEvents = {
  /**
   * A command from the desktop shell, carried out by the renderer: File → New update, or a click on a system
   * notification about a delivery (open its publication).
   */
  'app.command': z.discriminatedUnion('command', [
    z.object({ command: z.literal('new-update') }),
    z.object({ command: z.literal('open-publication'), publicationId: z.uuid() }),
  ]),
} as const;
