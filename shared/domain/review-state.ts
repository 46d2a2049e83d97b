import { z } from 'zod';

/** Where an update is in the four-eyes flow. Any edit takes it back to `draft`. */
export const ReviewState = z.enum(['draft', 'in_review', 'changes_requested', 'approved']);
export type ReviewState = z.infer<typeof ReviewState>;

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  draft: 'Draft',
  in_review: 'Waiting for approval',
  changes_requested: 'Changes requested',
  approved: 'Approved',
};
