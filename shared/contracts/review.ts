import { z } from 'zod';
import { ApprovalPolicy, InboxItem, Notification, Review, Tag } from '../domain/review.ts';
import { UpdateId } from '../domain/update.ts';
import { UserId } from '../domain/people.ts';
import { Empty, method } from './method.ts';

const Note = z.string().trim().max(2000, 'A note can be at most 2,000 characters');
const RequiredComment = z
  .string()
  .trim()
  .min(1, 'Say what needs to change')
  .max(4000, 'A comment can be at most 4,000 characters');

export const reviewMethods = {
  'review.get': method(z.object({ updateId: UpdateId }), Review, 'An update’s approval state, history and diff'),
  'review.submit': method(
    z.object({
      updateId: UpdateId,
      /** The revision the author is looking at: submitting an older one is a conflict. */
      revision: z.number().int().positive(),
      /** Null or absent: any approver. */
      approverId: UserId.nullable().default(null),
      note: Note.default(''),
    }),
    Review,
    'Submit the current version for approval',
  ),
  'review.approve': method(
    z.object({ updateId: UpdateId, revision: z.number().int().positive(), note: Note.default('') }),
    Review,
    'Approve exactly this version (never your own)',
  ),
  'review.requestChanges': method(
    z.object({ updateId: UpdateId, revision: z.number().int().positive(), comment: RequiredComment }),
    Review,
    'Send the update back to its author with a required comment',
  ),
  'review.comment': method(
    z.object({
      updateId: UpdateId,
      body: z.string().trim().min(1, 'Write a comment').max(4000, 'A comment can be at most 4,000 characters'),
      replyTo: z.string().max(100).nullable().default(null),
    }),
    Review,
    'Add to an update’s comment thread',
  ),
  'review.setTags': method(
    z.object({ updateId: UpdateId, tags: z.array(Tag).max(20) }),
    z.object({ tags: z.array(z.string()) }),
    'Set an update’s tags (which can need two approvals)',
  ),
  'review.inbox': method(Empty, z.array(InboxItem), 'Approvers: updates waiting for my approval'),
  'review.policy': method(Empty, ApprovalPolicy, 'How many approvals a version needs'),
  'review.setPolicy': method(ApprovalPolicy, ApprovalPolicy, 'Admins: require two approvals, globally or per tag'),
  'notifications.list': method(
    z.object({ unreadOnly: z.boolean().default(false) }),
    z.array(Notification),
    'My notifications (outcomes of reviews, updates not sent)',
  ),
  'notifications.markRead': method(
    z.object({ ids: z.array(z.string().max(100)).max(500) }),
    z.object({ marked: z.number().int() }),
    'Mark notifications as read',
  ),
} as const;

export const reviewEvents = {
  /** Something in an update’s review changed; UIs refetch it. */
  'review.changed': z.object({ updateId: UpdateId }),
  'notification.created': z.object({ userId: UserId }),
} as const;
