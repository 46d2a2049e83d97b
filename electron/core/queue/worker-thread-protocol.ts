import type { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import { DeliveryChanged } from '../../../shared/domain/queue.ts';
import { UNSUBSCRIBE_KEY_SECRET } from '../email/unsubscribe-token.ts';

/**
 * The messages between a host and its queue-worker thread (see
 * docs/architecture.md § Process model). Two channels:
 *
 * - the thread's own port (`parentPort` / `worker.on('message')`): start-up
 *   data, log records, `delivery.changed`, the count of sends in flight, and
 *   "stop" / "stopped". Never a secret.
 * - a dedicated MessagePort for reads the thread asks the host for (a
 *   secret by name, the public address). The host answers each request once;
 *   a secret value crosses only in that one answer.
 *
 * Both sides parse what they receive: a bug on one side shows as a plain
 * error rather than as a wrong value used.
 */

/** The worker's tuning that can cross a thread boundary (functions such as `now` or `fetch` cannot). */
export const ThreadTuning = z.object({
  id: z.string().min(1).optional(),
  pollMs: z.number().int().positive().optional(),
  leaseMs: z.number().int().positive().optional(),
  maxConcurrent: z.number().int().positive().optional(),
  lookupRetryMs: z.number().int().positive().optional(),
  stopGraceMs: z.number().int().nonnegative().optional(),
});
export type ThreadTuning = z.infer<typeof ThreadTuning>;

export const ThreadStart = z.object({
  store: z.object({ dataDir: z.string(), databaseUrl: z.string().optional() }),
  /** `--channels-module` files, loaded again in the thread (adapters are code and cannot be posted). */
  channelModules: z.array(z.string()),
  tuning: ThreadTuning,
  /** How long the thread waits for the host to answer a read. */
  readTimeoutMs: z.number().int().positive(),
  /** The port for reads; transferred, so it arrives as a MessagePort. */
  reads: z.custom<MessagePort>((value) => typeof value === 'object' && value !== null),
});
export type ThreadStart = z.infer<typeof ThreadStart>;

const LogRecordSchema = z.object({
  time: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  area: z.string(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** What the thread posts to its host. */
export const FromThread = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), workerId: z.string() }),
  z.object({ type: z.literal('log'), record: LogRecordSchema }),
  z.object({ type: z.literal('delivery.changed'), change: DeliveryChanged }),
  z.object({ type: z.literal('email.send.progress'), deliveryId: z.string().min(1).max(100) }),
  z.object({ type: z.literal('sending'), count: z.number().int().nonnegative() }),
  z.object({ type: z.literal('stopped') }),
]);
export type FromThread = z.infer<typeof FromThread>;

/** What the host posts to the thread. */
export const ToThread = z.discriminatedUnion('type', [z.object({ type: z.literal('stop') })]);
export type ToThread = z.infer<typeof ToThread>;

/** A read the thread asks for on the reads port. */
export const ReadRequest = z.discriminatedUnion('kind', [
  z.object({ id: z.number().int(), kind: z.literal('secret'), name: z.string().max(300) }),
  z.object({ id: z.number().int(), kind: z.literal('publicBaseUrl') }),
]);
export type ReadRequest = z.infer<typeof ReadRequest>;

export const ReadResponse = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), value: z.string().nullable() }),
  z.object({ id: z.number().int(), ok: z.literal(false), message: z.string() }),
]);
export type ReadResponse = z.infer<typeof ReadResponse>;

/**
 * The only secrets the worker thread may read: a channel's own credentials
 * (`channel.<target id>.<name>`) and the unsubscribe key. Settings secrets,
 * sessions and anything else stay with the host.
 */
export function isWorkerSecretName(name: string): boolean {
  return name === UNSUBSCRIBE_KEY_SECRET || /^channel\.[^.\s]+\.[A-Za-z0-9_-]+$/.test(name);
}
