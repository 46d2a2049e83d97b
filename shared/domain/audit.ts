import { z } from 'zod';

const IsoTime = z.iso.datetime({ offset: true });

/** Every kind of action the audit log records. */
export const AuditAction = z.enum([
  'auth.setup',
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.signed_out',
  'auth.locked',
  'auth.unlocked',
  'user.created',
  'user.changed',
  'update.created',
  'update.edited',
  'review.submitted',
  'review.approved',
  'review.changes_requested',
  'review.commented',
  'review.voided',
  'review.policy_changed',
  'publication.created',
  'publication.urgent',
  'publication.reviewed',
  'publication.not_sent',
  'delivery.cancelled',
  'delivery.retried',
  'delivery.resolved',
  'delivery.retracted',
  'channel.connected',
  'channel.disconnected',
  'channel.secret_set',
  'channel.secret_deleted',
  'channel.settings_changed',
  'channel.tested',
  'settings.changed',
  'subscribers.imported',
  'subscribers.unsubscribed',
  'subscribers.changed',
  'subscribers.bounced',
  'media.removed',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  at: IsoTime,
  actorId: z.string().nullable(),
  actorName: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  contentHash: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditFilter = z.object({
  action: z.string().max(60).optional(),
  actorId: z.string().max(60).optional(),
  subjectId: z.string().max(100).optional(),
  /** Inclusive, ISO times (the UI converts Europe/London days). */
  from: IsoTime.optional(),
  to: IsoTime.optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AuditPage = z.object({
  items: z.array(AuditEntry),
  /** Pass as `beforeSeq` for the next (older) page. */
  nextBeforeSeq: z.number().int().nullable(),
});

export const AuditVerification = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), rows: z.number().int(), headHash: z.string().nullable() }),
  z.object({
    ok: z.literal(false),
    rows: z.number().int(),
    firstBrokenSeq: z.number().int(),
    reason: z.string(),
  }),
]);
export type AuditVerification = z.infer<typeof AuditVerification>;
