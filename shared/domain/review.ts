import { z } from 'zod';
import { UpdateId } from './update.ts';
import { UserId } from './people.ts';

const IsoTime = z.iso.datetime({ offset: true });

export { ReviewState, REVIEW_STATE_LABELS } from './review-state.ts';
import { ReviewState } from './review-state.ts';

export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(40, 'A tag can be at most 40 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} &'-]*$/u, 'A tag uses letters, digits, spaces, "&", "\'" and "-"');

/** How many approvals a version needs: `required` for all, two for updates carrying any of `twoForTags`. */
export const ApprovalPolicy = z.object({
  required: z.union([z.literal(1), z.literal(2)]).default(1),
  twoForTags: z.array(Tag).max(50).default([]),
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

export const Comment = z.object({
  id: z.string(),
  updateId: UpdateId,
  replyTo: z.string().nullable(),
  revision: z.number().int().positive(),
  author: z.object({ id: UserId, name: z.string() }).nullable(),
  kind: z.enum(['comment', 'submitted', 'approved', 'changes_requested', 'voided', 'urgent_published', 'not_sent']),
  body: z.string(),
  createdAt: IsoTime,
});
export type Comment = z.infer<typeof Comment>;

export const Submission = z.object({
  id: z.string(),
  updateId: UpdateId,
  revision: z.number().int().positive(),
  contentHash: z.string(),
  submittedBy: z.object({ id: UserId, name: z.string() }),
  /** Null: any approver. */
  approver: z.object({ id: UserId, name: z.string() }).nullable(),
  approvalsRequired: z.number().int().min(1).max(2),
  approvals: z.array(z.object({ approver: z.object({ id: UserId, name: z.string() }), approvedAt: IsoTime })),
  note: z.string(),
  status: z.enum(['open', 'approved', 'changes_requested', 'voided']),
  submittedAt: IsoTime,
  closedAt: IsoTime.nullable(),
});
export type Submission = z.infer<typeof Submission>;

/** One side of a word-level comparison: text kept, added or removed. */
export const DiffPart = z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() });
export type DiffPart = z.infer<typeof DiffPart>;

export const Review = z.object({
  updateId: UpdateId,
  title: z.string(),
  state: ReviewState,
  revision: z.number().int().positive(),
  createdBy: z.object({ id: UserId, name: z.string() }).nullable(),
  tags: z.array(z.string()),
  approvalsRequired: z.number().int().min(1).max(2),
  /** The open or latest submission, and the ones before it (newest first). */
  submissions: z.array(Submission),
  comments: z.array(Comment),
  /** The submitted version against the one submitted before it (null on a first submission). */
  diff: z
    .object({
      fromRevision: z.number().int().positive(),
      toRevision: z.number().int().positive(),
      title: z.array(DiffPart),
      summary: z.array(DiffPart),
      body: z.array(DiffPart),
    })
    .nullable(),
  /** What the signed-in person may do now. */
  can: z.object({ submit: z.boolean(), approve: z.boolean(), requestChanges: z.boolean(), comment: z.boolean() }),
});
export type Review = z.infer<typeof Review>;

export const InboxItem = z.object({
  submissionId: z.string(),
  updateId: UpdateId,
  title: z.string(),
  revision: z.number().int().positive(),
  submittedBy: z.string(),
  submittedAt: IsoTime,
  /** True when it was sent to this person by name, not to any approver. */
  forMe: z.boolean(),
  approvalsRequired: z.number().int(),
  approvalsSoFar: z.number().int(),
});

export const Notification = z.object({
  id: z.string(),
  updateId: UpdateId.nullable(),
  kind: z.string(),
  message: z.string(),
  createdAt: IsoTime,
  read: z.boolean(),
});
export type Notification = z.infer<typeof Notification>;
