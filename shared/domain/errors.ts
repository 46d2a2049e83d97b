import { z } from 'zod';

/** Every failure the core reports to a UI has one of these codes. */
export const ErrorCode = z.enum([
  'invalid_input',
  'invalid_json',
  'unknown_method',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'locked',
  'too_large',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const CoreErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** The dotted path of the first invalid field, for invalid_input. */
  field: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type CoreErrorShape = z.infer<typeof CoreErrorShape>;

/** What every call across a process boundary returns instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: CoreErrorShape };
