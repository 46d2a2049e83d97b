import { z } from 'zod';

/**
 * Email lists (topics such as "Bin collections") and their subscribers. Any
 * status but `active` suppresses the address for every list: an unsubscribed,
 * bounced or complained address is never mailed again, whichever list a later
 * publication goes to, and an import never reactivates it.
 */
export const SUBSCRIBER_STATUSES = ['active', 'unsubscribed', 'bounced', 'complained'] as const;
export const SubscriberStatus = z.enum(SUBSCRIBER_STATUSES);
export type SubscriberStatus = z.infer<typeof SubscriberStatus>;

export const SUPPRESSED_STATUSES = ['unsubscribed', 'bounced', 'complained'] as const;
export const SuppressedStatus = z.enum(SUPPRESSED_STATUSES);
export type SuppressedStatus = z.infer<typeof SuppressedStatus>;

const isoTime = z.iso.datetime({ offset: true });

export const EmailList = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  /** Active members: the people a publication to this list would mail now. */
  activeCount: z.number().int().nonnegative(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type EmailList = z.infer<typeof EmailList>;

export const Subscriber = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  status: SubscriberStatus,
  /** Where consent came from ("website form", "import: bins.csv", "added by hand"). */
  consentSource: z.string(),
  consentAt: isoTime,
  statusChangedAt: isoTime,
  /** Why the status last changed (a suppression's reason), or null. */
  statusReason: z.string().nullable(),
  listIds: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Subscriber = z.infer<typeof Subscriber>;

export const ListName = z
  .string()
  .trim()
  .min(1, 'Give the list a name')
  .max(120, 'A list name is at most 120 characters');
export const ConsentSource = z
  .string()
  .trim()
  .min(1, 'Say where consent came from')
  .max(200, 'The consent source is at most 200 characters')
  .refine(
    // eslint-disable-next-line no-control-regex
    (s) => !/[\u0000-\u001f\u007f]/.test(s),
    'The consent source cannot contain line breaks or control characters',
  );
export const SubscriberName = z
  .string()
  .trim()
  .max(200, 'A name is at most 200 characters')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'A name cannot contain line breaks or control characters');
