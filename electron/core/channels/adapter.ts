import type { z } from 'zod';
import type { ChannelKind } from '../../../shared/channels/kinds.ts';
import type { Doc } from '../../../shared/content/doc.ts';
import type { KnownLimits } from '../../../shared/domain/queue.ts';
import type { Variants } from '../../../shared/domain/variants.ts';
import type { ImageType } from '../../../shared/media/image-type.ts';
import type { Logger } from '../logging/logger.ts';
import type { FanoutServices } from './email/services.ts';

/**
 * The one interface every channel kind implements (architecture guide §5).
 * Nothing outside a channel's own folder asks `if (kind === 'x')`: the queue
 * only sees this interface. Adapters are created by factories and get all
 * their I/O through `ctx`; they never read `process.env` or build clients
 * when their module loads.
 */

/**
 * Which content rules apply to a post: the channel kind (shared/channels/kinds.ts)
 * whose variant the adapter sends and whose counters the editor shows; null
 * for a channel that takes the master as it is.
 */
export type ChannelLimits = { readonly contentKind: ChannelKind | null };

/** How hard one account may be driven: sends at once, and a token bucket. */
export type SendLimits = { readonly concurrency: number; readonly burst: number; readonly perSecond: number };

/**
 * What is rendered from: the exact saved version a publication snapshotted,
 * with the channels it was written for and its per-channel variants (so an
 * adapter can call `renderVariant` and send exactly what the preview showed).
 */
export type RenderSource = {
  updateId: string;
  revision: number;
  contentHash: string;
  title: string;
  summary: string;
  body: Doc;
  bodyHtml: string;
  bodyText: string;
  channels: readonly ChannelKind[];
  variants: Variants;
  /**
   * The published website article, when this publication also went to a website
   * channel: other channels wait for that delivery and then link to its address.
   */
  websiteUrl?: string;
  /**
   * The update's own tags ("roads", "bins") when the delivery is sent: the
   * website channels show them and file the post under them. Tags can change
   * only while an update is a draft, so they are the approved version's.
   */
  tags?: readonly string[];
  /**
   * When the publication was scheduled for (UTC, ISO-8601), if it was: a
   * channel that can publish at a time itself (WordPress `future` posts) may
   * be sent early and told when to go public.
   */
  scheduledAt?: string;
};

/** One stored image a body refers to (`media:<id>`), its type read from its bytes when it was added. */
export type ChannelMedia = { id: string; type: ImageType; bytes: Uint8Array };

/** Exactly what will be sent (and what a preview shows). Placeholder shape until channels grow their own. */
export type RenderedPost = { title: string; text: string; html: string };

export type PublishResult = { externalId: string | null; externalUrl: string | null };

/** What a status look-up learned about a send whose outcome was unknown. */
export type RemoteState =
  | { state: 'published'; externalId: string | null; externalUrl: string | null }
  | { state: 'absent' }
  | { state: 'unknown' };

/**
 * One password or token a channel needs, declared by its adapter so that
 * "Connect a channel" can ask for it (as a password field, with the hint) and
 * the core can check what it was given before storing anything. Stored as
 * `channel.<target id>.<name>`; the value is never shown again.
 */
export type ChannelSecretSpec = {
  /** Lower case, as secret names must be (`[a-z0-9][a-z0-9._-]*`). */
  readonly name: string;
  readonly label: string;
  /** Where the person finds it, in a sentence. */
  readonly hint: string;
  /** Longest value accepted (default 2,000 characters). */
  readonly maxLength?: number;
  /** May be left empty (an SMTP relay that needs no sign-in; no DKIM). Required unless said. */
  readonly optional?: boolean;
  /** Several lines (a PEM key): line breaks are kept, other control characters still refused. */
  readonly multiline?: boolean;
};

/**
 * What "Test connection" found. `limits` is what the channel said of its own
 * limits (a Mastodon instance's characters a post): the core records it on the
 * target, and the counters and the pre-send check use it instead of the default.
 */
export type ConnectionCheck = { ok: true; account?: string; limits?: KnownLimits } | { ok: false; message: string };

/** Everything an adapter may touch. Built by the worker (or a "Test connection" call) per target. */
export type ChannelContext<Settings> = {
  target: { id: string; name: string };
  settings: Settings;
  /** This target's secrets (passwords, tokens), read when needed and never logged. */
  credentials(name: string): Promise<string | undefined>;
  fetch: typeof fetch;
  logger: Logger;
  now: () => Date;
  /** Aborted when the worker gives up on the call (stopping after its grace period). */
  signal: AbortSignal;
};

/**
 * A delivery's own notes about a send that takes several steps (the posts of
 * a thread): `set` records what has gone out as soon as it has, and the next
 * attempt's `get` returns it, so resuming continues from the next step
 * instead of repeating the earlier ones. Null until something is recorded.
 */
export type DeliveryProgress = { get(): Promise<unknown>; set(value: unknown): Promise<void> };

/**
 * The delivery being sent: its idempotency key is stable across re-sends of
 * the same delivery. `source` is what `post` was rendered from, for channels
 * that must render again once their images have addresses (uploaded, or
 * copied beside the page); `media` loads an image's bytes (undefined when it
 * is not in the store).
 */
export type PublishContext<Settings> = ChannelContext<Settings> & {
  delivery: { id: string; attempt: number; idempotencyKey: string };
  source: RenderSource;
  media(id: string): Promise<ChannelMedia | undefined>;
  /** Absent where nothing persists it (a direct call outside the worker). */
  progress?: DeliveryProgress;
  /**
   * For channels that send one delivery to many recipients (email): the
   * delivery's recipients store and the unsubscribe key. Given by the
   * worker; absent elsewhere, and no other channel needs it.
   */
  fanout?: FanoutServices;
};

/** Where a sent (or maybe sent) delivery can be found again. */
export type RemoteRef = { deliveryId: string; idempotencyKey: string; externalId: string | null };

export interface ChannelAdapter<Settings = unknown> {
  readonly kind: string;
  readonly displayName: string;
  /** What "Connect a channel" asks for (never secrets: those go to the secret store). */
  readonly settingsSchema: z.ZodType<Settings>;
  /** The passwords and tokens it needs, all required; none (or absent) for a channel that needs none. */
  readonly secrets?: readonly ChannelSecretSpec[];
  readonly limits: ChannelLimits;
  readonly sendLimits: SendLimits;
  /**
   * True when sending the same delivery twice is harmless (the platform
   * de-duplicates by idempotency key). Only then is a send whose worker died
   * re-sent automatically; otherwise it becomes `unconfirmed` for a person.
   */
  readonly idempotent: boolean;
  /** Pure: what exactly will be sent. */
  render(source: RenderSource): RenderedPost;
  /** The "Test connection" button. */
  test(ctx: ChannelContext<Settings>): Promise<ConnectionCheck>;
  /** One attempt. Throws a `ChannelError` (anything else counts as an unknown outcome). */
  publish(post: RenderedPost, ctx: PublishContext<Settings>): Promise<PublishResult>;
  /** A safe, repeatable status check that settles `unconfirmed` deliveries without a person. */
  lookup?(ref: RemoteRef, ctx: ChannelContext<Settings>): Promise<RemoteState>;
  /** Delete or unpublish. */
  retract?(ref: RemoteRef, ctx: ChannelContext<Settings>): Promise<void>;
  /**
   * True when, with these settings, the platform itself makes a scheduled
   * publication public at its time (WordPress `future` posts). The queue then
   * sends such a delivery as soon as the publication is authorised (the
   * adapter gets the time as `source.scheduledAt`), and a person's Cancel
   * before that time withdraws it with `retract`.
   */
  publishesAtScheduledTime?(settings: Settings): boolean;
}

/**
 * The secret-store name of a target's secret (`channel.<target id>.<name>`):
 * "Connect a channel" stores it with `secrets.set`, `ctx.credentials(name)` reads it.
 */
export function channelSecretName(targetId: string, name: string): string {
  return `channel.${targetId}.${name}`;
}

/** The classes of failure the queue acts on (see the reducer for what each leads to). */
export type ChannelFailure =
  | { kind: 'retryable'; message: string; afterMs?: number; offline: boolean }
  | { kind: 'auth'; message: string }
  | { kind: 'rejected'; message: string; field?: string }
  | { kind: 'unknown_outcome'; message: string };

/**
 * A classified failure of one channel call. Adapters classify in one place,
 * from the real error bodies, and the messages are plain English for the
 * queue's timeline.
 */
export class ChannelError extends Error {
  readonly failure: ChannelFailure;

  constructor(failure: ChannelFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.name = 'ChannelError';
    this.failure = failure;
  }

  /** Try again later; `afterMs` is what the channel asked for (Retry-After, a rate-limit reset). */
  static retryable(message: string, afterMs?: number, options?: { cause?: unknown }): ChannelError {
    return new ChannelError(
      { kind: 'retryable', message, offline: false, ...(afterMs === undefined ? {} : { afterMs }) },
      options,
    );
  }

  /** The request never left (no network, refused, DNS): waiting is always right, failing never is. */
  static offline(message: string, options?: { cause?: unknown }): ChannelError {
    return new ChannelError({ kind: 'retryable', message, offline: true }, options);
  }

  /** The credentials are missing, expired or revoked: a person must reconnect the channel. */
  static auth(message: string, options?: { cause?: unknown }): ChannelError {
    return new ChannelError({ kind: 'auth', message }, options);
  }

  /** Permanent: the content or the request is wrong, and sending it again would fail again. */
  static rejected(reason: string, field?: string, options?: { cause?: unknown }): ChannelError {
    return new ChannelError({ kind: 'rejected', message: reason, ...(field === undefined ? {} : { field }) }, options);
  }

  /** The request may have arrived, and the answer was lost (a timeout, a dropped connection). */
  static unknownOutcome(message: string, options?: { cause?: unknown }): ChannelError {
    return new ChannelError({ kind: 'unknown_outcome', message }, options);
  }
}

/** The failure in anything an adapter threw: a thrown non-ChannelError might have sent, so it is an unknown outcome. */
export function failureOf(error: unknown): ChannelFailure {
  if (error instanceof ChannelError) return error.failure;
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'unknown_outcome',
    message: `The channel failed in an unexpected way, so it is not known whether the update went out (${message.slice(0, 200)}).`,
  };
}
