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

export const appMethods = {
  'app.info': method(Empty, AppInfo, 'Version and storage of this Town Crier'),
} as const;

export const appEvents = {
  /** A command chosen in the desktop app's menu, carried out by the renderer (File → New update). */
  'app.command': z.object({ command: z.enum(['new-update']) }),
} as const;
