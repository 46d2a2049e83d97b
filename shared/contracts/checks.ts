import { z } from 'zod';
import { UpdateId } from '../domain/update.ts';
import { method } from './method.ts';

export const FindingShape = z.object({
  id: z.string(),
  severity: z.enum(['blocking', 'advice']),
  message: z.string(),
  where: z.string(),
  fix: z.string().optional(),
});

export const UpdateCheck = z.object({
  findings: z.array(FindingShape),
  /** How many findings stop the update being sent. */
  blocking: z.number().int().nonnegative(),
});
export type UpdateCheck = z.infer<typeof UpdateCheck>;

export const checkMethods = {
  'updates.check': method(
    z.object({ id: UpdateId }),
    UpdateCheck,
    "Content checks of an update's saved version for its chosen channels, as the send gate runs them",
  ),
} as const;
