import { z } from 'zod';
import { UpdateId } from './update.ts';

const IsoTime = z.iso.datetime({ offset: true });

/**
 * Where one delivery (one update × one channel target) stands. The pure
 * reducer in electron/core/queue/delivery-state.ts is the only thing that
 * moves a delivery from one of these to another.
 */
export const DeliveryStatus = z.enum([
  'scheduled',
  'queued',
  'sending',
  'delivered',
  'retry_wait',
  'failed',
  'needs_reauth',
  'unconfirmed',
  'cancelled',
]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** The overall status of an update (or one publication of it): derived from its deliveries, never stored. */
export const UpdateStatus = z.enum([
  'not_published',
  'scheduled',
  'publishing',
  'needs_attention',
  'delivered',
  'partly_delivered',
  'cancelled',
]);
export type UpdateStatus = z.infer<typeof UpdateStatus>;

/** Why the last attempt did not deliver, in the classes the adapters use. */
export const DeliveryErrorKind = z.enum([
  'retryable',
  'offline',
  'auth',
  'rejected',
  'unknown_outcome',
  'lease_expired',
  'gave_up',
]);
export type DeliveryErrorKind = z.infer<typeof DeliveryErrorKind>;

export const DeliveryError = z.object({
  kind: DeliveryErrorKind,
  /** Plain English, for the person looking at the queue. */
  message: z.string(),
  /** What the person can do about it ("Reconnect this channel, then choose Retry"). */
  nextStep: z.string(),
  /** The field of the post or the settings at fault, when the channel said which. */
  field: z.string().optional(),
  at: IsoTime,
});
export type DeliveryError = z.infer<typeof DeliveryError>;

export const ChannelTargetId = z.uuid({ message: 'Must be a channel target id' });
export const DeliveryId = z.uuid({ message: 'Must be a delivery id' });
export const PublicationId = z.uuid({ message: 'Must be a publication id' });

/**
 * What a channel told us about its own limits when it was last tested (a
 * Mastodon instance's characters a post), in the shape `measure` takes. Empty
 * until a test has learnt something; the defaults apply meanwhile.
 */
export const KnownLimits = z.object({ mastodonLimit: z.number().int().positive().max(1_000_000).optional() });
export type KnownLimits = z.infer<typeof KnownLimits>;

/**
 * What a channel card says about a target, from what is stored (`disconnected`: kept only for the queue's history):
 * `needs_reconnecting` when its last Test connection failed or a delivery to
 * it ended waiting for reconnection after its credentials last changed;
 * `connected` when its last test worked; `not_tested` otherwise.
 */
export const ChannelHealth = z.object({
  state: z.enum(['connected', 'needs_reconnecting', 'not_tested', 'disconnected']),
  /** Why, in a sentence (the failed test's message, or which delivery needs it). */
  reason: z.string().nullable(),
  /** What to do next, in a sentence. */
  nextStep: z.string().nullable(),
  lastTestedAt: IsoTime.nullable(),
  /** Deliveries to it waiting in `needs_reauth` now. */
  waitingForReconnect: z.number().int().nonnegative(),
});
export type ChannelHealth = z.infer<typeof ChannelHealth>;

/** One connected account or site that deliveries go to. Secrets are never part of it. */
export const ChannelTarget = z.object({
  id: ChannelTargetId,
  /** The adapter that publishes to it, e.g. 'website.wordpress'. */
  kind: z.string(),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  /** Limits learnt by "Test connection"; absent until one has run. */
  knownLimits: KnownLimits.optional(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** Filled in by `channels.list` (the Channels page); absent from the other answers. */
  health: ChannelHealth.optional(),
});
export type ChannelTarget = z.infer<typeof ChannelTarget>;

export const Delivery = z.object({
  id: DeliveryId,
  publicationId: PublicationId,
  targetId: ChannelTargetId,
  targetName: z.string(),
  targetKind: z.string(),
  status: DeliveryStatus,
  /** Sends started so far, including the one in progress. */
  attempts: z.number().int().nonnegative(),
  /** When the worker may next act on it (a scheduled time, a retry, a status look-up); null when it waits for a person. */
  nextAttemptAt: IsoTime.nullable(),
  externalId: z.string().nullable(),
  externalUrl: z.string().nullable(),
  lastError: DeliveryError.nullable(),
  /** A delivery this one waits for (a social post that links to the website page). */
  dependsOnDeliveryId: DeliveryId.nullable(),
  /** When a person had it removed from the channel ("Remove from the website"); it stays `delivered`. */
  retractedAt: IsoTime.nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Delivery = z.infer<typeof Delivery>;

export const AttemptOutcome = z.enum([
  'delivered',
  'retryable',
  'offline',
  'rejected',
  'auth',
  'unknown_outcome',
  'lease_expired',
]);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

/** One send, for the timeline: written before the channel is called, finished after it answers. */
export const DeliveryAttempt = z.object({
  deliveryId: DeliveryId,
  attempt: z.number().int().positive(),
  worker: z.string(),
  startedAt: IsoTime,
  finishedAt: IsoTime.nullable(),
  /** Null while the send is in progress (or when the worker stopped before it could say). */
  outcome: AttemptOutcome.nullable(),
  error: DeliveryError.nullable(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/** One status change of a delivery and who made it: the worker, or a person (cancel, retry, resolve). */
export const DeliveryHistoryEntry = z.object({
  deliveryId: DeliveryId,
  at: IsoTime,
  actor: z.string(),
  event: z.string(),
  fromStatus: DeliveryStatus.nullable(),
  toStatus: DeliveryStatus,
});
export type DeliveryHistoryEntry = z.infer<typeof DeliveryHistoryEntry>;

export const Publication = z.object({
  id: PublicationId,
  updateId: UpdateId,
  /** The exact saved version that is being sent. */
  updateRevision: z.number().int().positive(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  title: z.string(),
  scheduledAt: IsoTime.nullable(),
  createdAt: IsoTime,
  createdBy: z.string().nullable(),
  /**
   * Why it may go out: `approved` (this exact version was approved), `urgent` (published without approval,
   * with `urgentReason`, and needs a review afterwards), `pending` (scheduled before approval arrived: sent only
   * if the approval arrives by the send time), `lapsed` (the send time came without approval: not sent).
   */
  authorisation: z.enum(['approved', 'urgent', 'pending', 'lapsed']),
  urgentReason: z.string().nullable(),
  /** For urgent publications: who reviewed it afterwards, and when. */
  reviewedBy: z.string().nullable(),
  reviewedAt: IsoTime.nullable(),
  status: UpdateStatus,
  deliveries: z.array(Delivery),
});
export type Publication = z.infer<typeof Publication>;

export const PublicationDetail = Publication.extend({
  attempts: z.array(DeliveryAttempt),
  history: z.array(DeliveryHistoryEntry),
});
export type PublicationDetail = z.infer<typeof PublicationDetail>;

export const PublishInput = z.object({
  updateId: UpdateId,
  targetIds: z
    .array(ChannelTargetId)
    .min(1, 'Choose at least one channel')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'Each channel can be chosen once'),
  /** Publish later; stored in UTC. Omit to publish now. */
  scheduledAt: IsoTime.optional(),
  /**
   * Urgent publish (severe weather, emergencies): without approval, by someone with the urgent permission,
   * and never without a reason. The publication is flagged and needs a review afterwards.
   */
  urgent: z
    .object({
      reason: z
        .string()
        .trim()
        .min(10, 'Give the reason for publishing without approval (at least 10 characters)')
        .max(1000, 'A reason can be at most 1,000 characters'),
    })
    .optional(),
});

export const QueueFilter = z.enum(['all', 'failed', 'unconfirmed', 'scheduled', 'today']);
export type QueueFilter = z.infer<typeof QueueFilter>;

export const ListPublications = z.object({
  filter: QueueFilter.default('all'),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  /** Only this update's publications (the publish panel's "already published to …"). */
  updateId: UpdateId.optional(),
});

export const PublicationPage = z.object({
  items: z.array(Publication),
  nextCursor: z.string().nullable(),
});

export const DeliveryRef = z.object({ deliveryId: DeliveryId });

/** How many publications each queue filter shows, from one query (the filter buttons' counts). */
export const QueueCounts = z.object({
  all: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  unconfirmed: z.number().int().nonnegative(),
  scheduled: z.number().int().nonnegative(),
  today: z.number().int().nonnegative(),
});
export type QueueCounts = z.infer<typeof QueueCounts>;

export const ResolveDelivery = z.discriminatedUnion('outcome', [
  z.object({
    deliveryId: DeliveryId,
    outcome: z.literal('sent'),
    /** Where it went out, checked by a person. */
    url: z.url({ protocol: /^https?$/ }).max(2000),
  }),
  z.object({ deliveryId: DeliveryId, outcome: z.literal('send_again') }),
]);

/** A kind of channel this host can publish to: what "Connect a channel" builds its form from. */
/** A password or token a kind of channel needs: its name and how to ask for it (never a value). */
export const ChannelSecretInfo = z.object({
  name: z.string(),
  label: z.string(),
  hint: z.string(),
  maxLength: z.number().int().positive(),
  /** May be left empty. */
  optional: z.boolean().default(false),
  /** Asked for in a multi-line box (a PEM key). */
  multiline: z.boolean().default(false),
});
export type ChannelSecretInfo = z.infer<typeof ChannelSecretInfo>;

export const ChannelKindInfo = z.object({
  kind: z.string(),
  displayName: z.string(),
  /** The adapter's settings schema as JSON Schema (the input side: fields with defaults are optional). */
  settingsSchema: z.record(z.string(), z.unknown()),
  /** The secrets "Connect a channel" asks for, as password fields; required unless `optional`. */
  secrets: z.array(ChannelSecretInfo),
  /** Whose content rules it follows ('website' for a website); null for a channel that takes the master. */
  contentKind: z.string().nullable(),
  /** Whether Town Crier can remove what it published there ("Remove from the website"). */
  canRetract: z.boolean(),
});
export type ChannelKindInfo = z.infer<typeof ChannelKindInfo>;

/**
 * Secret values by name, as typed into "Connect a channel". Checked against the
 * kind's declaration by the core (names, lengths, control characters); a
 * value never appears in an answer, a log, the audit log or an error message.
 */
export const ChannelSecretValues = z.record(z.string().max(100), z.string().max(20_000)).default({});

export const CreateChannelTarget = z.object({
  kind: z.string().min(1).max(100),
  name: z.string().trim().min(1, 'Give the channel a name').max(100),
  settings: z.record(z.string(), z.unknown()).default({}),
  secrets: ChannelSecretValues,
});

/** "Test connection": a connected channel, or (admins, before connecting) a kind with unsaved settings and secrets. */
export const TestChannelInput = z.union([
  z.object({ targetId: ChannelTargetId }),
  z.object({
    kind: z.string().min(1).max(100),
    settings: z.record(z.string(), z.unknown()).default({}),
    secrets: ChannelSecretValues,
  }),
]);

export const ChannelTestResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), account: z.string().nullable(), limits: KnownLimits.optional() }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

export const SetChannelSecrets = z.object({ targetId: ChannelTargetId, secrets: ChannelSecretValues });

/** "Edit settings" of a connected channel: its name and the whole settings object (checked by its adapter). */
export const UpdateChannelSettings = z.object({
  targetId: ChannelTargetId,
  name: z.string().trim().min(1, 'Give the channel a name').max(100),
  settings: z.record(z.string(), z.unknown()),
});

/** What `delivery.changed` carries: enough to update a status chip; the detail comes from `queue.get`. */
export const DeliveryChanged = z.object({
  id: DeliveryId,
  publicationId: PublicationId,
  targetId: ChannelTargetId,
  status: DeliveryStatus,
  attempts: z.number().int().nonnegative(),
  /** Set once it was removed from the channel (optional: older processes on the same store do not send it). */
  retractedAt: IsoTime.nullable().optional(),
  updatedAt: IsoTime,
});
export type DeliveryChanged = z.infer<typeof DeliveryChanged>;
