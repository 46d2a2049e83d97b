import { z } from 'zod';

export type MethodAccess = 'public' | 'signed_in';

/**
 * One contract method: its input and output schemas and a one-line summary for `GET /api/methods`.
 * Every method needs a signed-in, unlocked session unless it says `access: 'public'` (signing in itself,
 * first-run set-up, the app's name and version).
 */
export const method = <I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  summary: string,
  options: { access?: MethodAccess } = {},
) => ({ input, output, summary, access: options.access ?? ('signed_in' as MethodAccess) }) as const;

/** The input of a method that takes none. */
export const Empty = z.object({}).strict();
