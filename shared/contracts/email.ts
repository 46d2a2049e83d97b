import { z } from 'zod';
import {
  ConsentSource,
  EmailList,
  ListName,
  Subscriber,
  SubscriberName,
  SubscriberStatus,
  SuppressedStatus,
} from '../domain/subscribers.ts';
import { emailProblem } from '../domain/email-address.ts';
import { Empty, method } from './method.ts';

/**
 * Email lists, subscribers, CSV import and export, suppression, and the
 * controls of a running email send. Imports read and exports write a file on
 * the machine running the core (the desktop picks it with a file dialog), as
 * an absolute path; an export never overwrites a file.
 */

const Id = z.string().min(1).max(100);
const EmailAddress = z
  .string()
  .max(400)
  .superRefine((value, ctx) => {
    const problem = emailProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `Not a valid email address: ${problem}` });
  });
const AbsolutePath = z
  .string()
  .min(2)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'Give the full path of the file')
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\u0000-\u001f]/.test(p), 'A file path cannot contain control characters');
const CsvPath = AbsolutePath.refine((p) => p.toLowerCase().endsWith('.csv'), 'The file name must end in .csv');
const Page = z.object({ after: Id.optional(), limit: z.number().int().min(1).max(500).default(100) });

const SubscriberPage = z.object({ items: z.array(Subscriber), nextCursor: z.string().nullable() });
const AddOutcome = Subscriber.extend({
  added: z.number().int(),
  merged: z.number().int(),
  suppressed: z.number().int(),
});

export const ImportReport = z.object({
  listId: z.string(),
  rows: z.number().int(),
  added: z.number().int(),
  alreadySubscribed: z.number().int(),
  duplicatesInFile: z.number().int(),
  suppressed: z.number().int(),
  badRows: z.number().int(),
  problems: z.array(z.object({ line: z.number().int(), value: z.string(), reason: z.string() })),
  problemsNotListed: z.number().int(),
});

const RecipientCounts = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  sending: z.number().int(),
  accepted: z.number().int(),
  deferred: z.number().int(),
  rejected: z.number().int(),
  unconfirmed: z.number().int(),
  skipped: z.number().int(),
  cancelled: z.number().int(),
});
export const EmailSendStatus = z.object({
  deliveryId: z.string(),
  state: z.enum(['sending', 'paused', 'cancelled', 'done']),
  pausedReason: z.string().nullable(),
  counts: RecipientCounts,
});
const DeliveryRef = z.object({ deliveryId: Id });
/** One chunk of an uploaded CSV file: at most 1 MB of UTF-8 (the core checks the bytes; this bounds the characters). */
const ChunkText = z
  .string()
  .min(1, 'A part of the file cannot be empty')
  .max(1024 * 1024, 'A part can be at most 1 MB');
const FileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'A file name cannot contain control characters');
const Reason = z.string().trim().min(1, 'Give a reason').max(300, 'A reason is at most 300 characters');
export const FailedRecipient = z.object({
  subscriberId: z.string(),
  email: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  smtpCode: z.number().int().nullable(),
  smtpReply: z.string().nullable(),
  updatedAt: z.string(),
});
const Written = z.object({ path: z.string(), rows: z.number().int() });

export const emailMethods = {
  'email.lists.list': method(Empty, z.array(EmailList), 'Email lists with their active member counts'),
  'email.lists.create': method(
    z.object({ name: ListName, description: z.string().trim().max(500).default('') }),
    EmailList,
    'Create an email list (names are unique, ignoring case)',
  ),
  'email.lists.delete': method(
    z.object({ id: Id }),
    z.object({ deleted: z.boolean() }),
    'Delete a list (subscribers and suppressions stay)',
  ),
  'email.subscribers.list': method(
    Page.extend({ listId: Id.optional(), status: SubscriberStatus.optional() }),
    SubscriberPage,
    "A page of a list's (or everyone's) subscribers",
  ),
  'email.subscribers.add': method(
    z.object({ listId: Id, email: EmailAddress, name: SubscriberName.optional(), consentSource: ConsentSource }),
    AddOutcome,
    'Add a person to a list by hand (merged with the same address in any case; never reactivates a suppressed one)',
  ),
  'email.subscribers.remove': method(
    z.object({ listId: Id, subscriberId: Id }),
    z.object({ removed: z.boolean() }),
    'Take a person off one list',
  ),
  'email.subscribers.suppress': method(
    z.object({ subscriberId: Id, status: SuppressedStatus, reason: Reason }),
    Subscriber,
    'Suppress an address for every list (unsubscribed, bounced, complained), with the reason',
  ),
  'email.suppressed.list': method(Page, SubscriberPage, 'Suppressed addresses: never mailed by any list'),
  'email.subscribers.import': method(
    z.object({
      listId: Id,
      path: CsvPath,
      consentSource: ConsentSource,
      consentAt: z.iso.datetime({ offset: true }).optional(),
    }),
    ImportReport,
    'Import a CSV file (header with an "email" column, optional "name") into a list; reports each bad row',
  ),
  'email.subscribers.export': method(
    z.object({ path: CsvPath, listId: Id.optional(), status: SubscriberStatus.optional() }),
    Written,
    'Write subscribers to a new CSV file',
  ),
  'email.import.begin': method(
    z.object({
      listId: Id,
      fileName: FileName,
      consentSource: ConsentSource,
      consentAt: z.iso.datetime({ offset: true }).optional(),
    }),
    z.object({ importId: z.string(), maxChunkBytes: z.number().int(), idleSeconds: z.number().int() }),
    'Start importing an uploaded CSV file into a list: send its text with email.import.chunk, then finish',
  ),
  'email.import.chunk': method(
    z.object({ importId: Id, sequence: z.number().int().min(0), text: ChunkText }),
    z.object({ importId: z.string(), received: z.number().int(), bytes: z.number().int() }),
    'Send the next part of an uploaded CSV file (parts numbered from 0, in order, each once)',
  ),
  'email.import.finish': method(
    z.object({ importId: Id, parts: z.number().int().min(0) }),
    ImportReport,
    'End an uploaded import and get its report (the same report as a file import)',
  ),
  'email.import.abandon': method(
    z.object({ importId: Id }),
    z.object({ abandoned: z.boolean() }),
    'Stop an uploaded import (rows already merged stay)',
  ),
  'email.subscribers.unsuppress': method(
    z.object({ subscriberId: Id, reason: Reason }),
    Subscriber,
    'Take an address off the suppression list, so its lists mail it again (admins only; audited with the reason)',
  ),
  'email.send.failures': method(
    DeliveryRef.extend({ after: Id.optional(), limit: z.number().int().min(1).max(1000).default(500) }),
    z.object({ items: z.array(FailedRecipient), nextCursor: z.string().nullable() }),
    'A page of the recipients of an email send who did not get it, with the relay answers',
  ),
  'email.send.status': method(DeliveryRef, EmailSendStatus, 'Live counts of an email send, per recipient status'),
  'email.send.statusIfStarted': method(
    DeliveryRef,
    EmailSendStatus.nullable(),
    'The same counts, or null while the delivery has not started its send (a screen polls this, so no error)',
  ),
  'email.send.pause': method(DeliveryRef, EmailSendStatus, 'Pause an email send'),
  'email.send.resume': method(DeliveryRef, EmailSendStatus, 'Resume a paused email send'),
  'email.send.cancel': method(DeliveryRef, EmailSendStatus, 'Cancel what has not been sent yet'),
  'email.send.exportFailures': method(
    DeliveryRef.extend({ path: CsvPath }),
    Written,
    'Write the recipients who did not get the email, with the relay answers, to a new CSV file',
  ),
  'email.sendTest': method(
    z.object({ targetId: Id, updateId: Id, to: EmailAddress }),
    z.object({ ok: z.boolean(), message: z.string() }),
    'Send one test copy of an update through an email channel to one address (before approval)',
  ),
} as const;

/** A hint that an email send's counts moved (at most twice a second per send): refetch `email.send.status`. */
export const EmailSendProgress = z.object({ deliveryId: z.string().min(1).max(100) });

export const emailEvents = {
  'email.send.progress': EmailSendProgress,
} as const;
