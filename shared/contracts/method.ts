import { z } from 'zod';

/** One contract method: its input and output schemas and a one-line summary for `GET /api/methods`. */
export const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) =>
  ({ input, output, summary }) as const;

/** The input of a method that takes none. */
export const Empty = z.object({}).strict();
