import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { events as contractEvents, type CoreEvent } from '../../shared/contract.ts';
import type { Logger } from './logging/logger.ts';
import type { Listening, SqlDb } from './store/sql.ts';

/**
 * Cross-process events. Several processes share one store (two desktops, web
 * hosts and headless workers on PostgreSQL; a desktop and a headless worker on
 * one SQLite file); without this an event reached only the windows of the
 * process that made the change. Each shared event goes out as a small JSON
 * envelope tagged with the process's origin id: on PostgreSQL by NOTIFY on
 * `town_crier_events` (one dedicated LISTEN connection per process), on
 * SQLite through the `event_outbox` table that every process tails. Events
 * are hints to refetch, never data: a lost one costs only a slow safety-net
 * refetch in the UI.
 */

/** The NOTIFY channel. */
export const EVENTS_CHANNEL = 'town_crier_events';

/**
 * The largest envelope sent or accepted, in UTF-8 bytes. PostgreSQL refuses
 * NOTIFY payloads from 8000 bytes; events are a few ids, so anything near
 * this size is not ours.
 */
export const MAX_ENVELOPE_BYTES = 4096;

/**
 * The events other processes need. `settings.changed` is per host (each has
 * its own settings file) and `app.command` is the desktop menu.
 */
export const SHARED_EVENT_NAMES = [
  'update.changed',
  'delivery.changed',
  'review.changed',
  'notification.created',
  'email.send.progress',
] as const;

const SHARED = new Set<string>(SHARED_EVENT_NAMES);

const Envelope = z.object({
  origin: z.string().min(1).max(100),
  name: z.enum(SHARED_EVENT_NAMES),
  payload: z.unknown(),
});

/** True for an event other processes should hear about. */
export function isSharedEvent(event: CoreEvent): boolean {
  return SHARED.has(event.name);
}

/** The envelope for an event, or undefined when it is too large to send. */
export function encodeEnvelope(origin: string, event: CoreEvent): string | undefined {
  const text = JSON.stringify({ origin, name: event.name, payload: event.payload });
  return Buffer.byteLength(text, 'utf8') <= MAX_ENVELOPE_BYTES ? text : undefined;
}

export type Decoded = { kind: 'event'; event: CoreEvent } | { kind: 'own' } | { kind: 'invalid'; reason: string };

/**
 * Reads an envelope from another process. Anyone who can connect to the
 * database can NOTIFY, so the envelope and the event's payload are checked
 * against the contract before anything is emitted.
 */
export function decodeEnvelope(text: string, origin: string): Decoded {
  if (Buffer.byteLength(text, 'utf8') > MAX_ENVELOPE_BYTES) {
    return { kind: 'invalid', reason: `larger than ${MAX_ENVELOPE_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return { kind: 'invalid', reason: 'not an envelope of a shared event' };
  if (envelope.data.origin === origin) return { kind: 'own' };
  const { name } = envelope.data;
  const payload = contractEvents[name].safeParse(envelope.data.payload);
  if (!payload.success) return { kind: 'invalid', reason: `the ${name} payload does not match the contract` };
  return { kind: 'event', event: { name, payload: payload.data } as CoreEvent };
}

export interface EventRelay {
  /** This process's origin id (other processes drop nothing; this one drops its own). */
  readonly origin: string;
  /** Sends a shared event to the other processes (call after the change committed); others are ignored. */
  publish(event: CoreEvent): void;
  /** Stops listening or tailing and waits for sends in flight. */
  stop(): Promise<void>;
}

export type EventRelayOptions = {
  db: SqlDb;
  logger: Logger;
  /** Events from other processes; omit to only publish (the headless worker has no UI). */
  onEvent?: (event: CoreEvent) => void;
  origin?: string;
  /** PostgreSQL: reconnect back-off after a lost LISTEN connection. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** SQLite: how often the outbox is read. */
  tailMs?: number;
  /** SQLite: outbox rows older than this are deleted. */
  keepMs?: number;
  now?: () => Date;
};

/** Starts the relay for the store's engine. */
export function startEventRelay(options: EventRelayOptions): EventRelay {
  const origin = options.origin ?? randomUUID();
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const receive = (text: string) => {
    const decoded = decodeEnvelope(text, origin);
    if (decoded.kind === 'invalid') {
      // Never the payload itself: it is untrusted and may be large.
      options.logger.warn('Dropped an event from another process', { reason: decoded.reason });
    } else if (decoded.kind === 'event') {
      options.onEvent?.(decoded.event);
    }
  };
  const engine =
    options.db.engine === 'postgres'
      ? postgresTransport(options, origin, receive)
      : sqliteTransport(options, origin, receive);
  let stopped = false;
  return {
    origin,
    publish(event) {
      if (stopped || !isSharedEvent(event)) return;
      const text = encodeEnvelope(origin, event);
      if (text === undefined) {
        options.logger.warn('An event was too large to send to other processes', { name: event.name });
        return;
      }
      track(
        engine.send(text).catch((error: unknown) => {
          options.logger.warn('Could not send an event to other processes', {
            name: event.name,
            error: error instanceof Error ? error.message : String(error),
          });
        }),
      );
    },
    async stop() {
      stopped = true;
      await engine.stop();
      await Promise.allSettled([...pending]);
    },
  };
}

type Transport = { send(text: string): Promise<unknown>; stop(): Promise<void> };

function postgresTransport(options: EventRelayOptions, origin: string, receive: (text: string) => void): Transport {
  const { db, logger } = options;
  const minMs = options.retryMinMs ?? 500;
  const maxMs = options.retryMaxMs ?? 30_000;
  let delay = minMs;
  let stopped = false;
  let listening: Listening | undefined;
  let timer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      connecting = connect();
    }, delay);
    delay = Math.min(delay * 2, maxMs);
  };
  const connect = async () => {
    if (!options.onEvent || !db.listen) return;
    try {
      const up = await db.listen(EVENTS_CHANNEL, {
        message: receive,
        lost: (error) => {
          listening = undefined;
          logger.warn('Lost the connection that hears other processes; reconnecting', { error: error.message });
          schedule();
        },
      });
      if (stopped) {
        await up.close();
        return;
      }
      listening = up;
      delay = minMs;
      logger.info('Hearing events from other processes', { origin });
    } catch (error) {
      logger.warn('Could not listen for events from other processes; trying again', {
        error: error instanceof Error ? error.message : String(error),
        retryInMs: delay,
      });
      schedule();
    }
  };
  connecting = connect();
  return {
    send: (text) => db.run('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, text]),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await connecting;
      await listening?.close();
      listening = undefined;
    },
  };
}

function sqliteTransport(options: EventRelayOptions, origin: string, receive: (text: string) => void): Transport {
  const { db, logger } = options;
  const now = options.now ?? (() => new Date());
  const tailMs = options.tailMs ?? 500;
  const keepMs = options.keepMs ?? 5 * 60_000;
  let stopped = false;
  let cursor: number | undefined;
  let lastPrune = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  // Every process prunes, the publish-only headless worker too (after its inserts), so the table stays small.
  const prune = async () => {
    const at = now().getTime();
    if (at - lastPrune < keepMs / 4) return;
    lastPrune = at;
    await db.run('DELETE FROM event_outbox WHERE created_at < $1', [new Date(at - keepMs).toISOString()]);
  };
  // Events sent while a write is under way go out together in the next one, and without waiting for the disk:
  // they are hints, and one write per event (two per delivery the worker sends) made the outbox the worker's
  // slowest step on SQLite. A commit still survives the process being killed.
  let waiting: { text: string; at: string }[] = [];
  let flushing: Promise<void> | undefined;
  const flush = (): Promise<void> => {
    flushing ??= (async () => {
      const batch = waiting;
      waiting = [];
      await db.transaction(
        async (tx) => {
          for (const event of batch) {
            await tx.run('INSERT INTO event_outbox (origin, body, created_at) VALUES ($1, $2, $3)', [
              origin,
              event.text,
              event.at,
            ]);
          }
        },
        { durability: 'process' },
      );
      await prune();
    })().finally(() => {
      flushing = undefined;
    });
    return flushing;
  };
  const tick = async () => {
    try {
      if (cursor === undefined) {
        cursor = Number((await db.one('SELECT COALESCE(MAX(id), 0) AS id FROM event_outbox'))?.id ?? 0);
      } else {
        const rows = await db.all(OUTBOX_TAIL_SQL, [cursor]);
        for (const row of rows) {
          cursor = Number(row.id);
          if (row.origin !== origin) receive(String(row.body));
        }
      }
      await prune();
    } catch (error) {
      logger.warn('Could not read events from other processes', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().then(() => {
      if (!stopped) timer = setTimeout(loop, tailMs);
    });
  };
  if (options.onEvent) loop();
  return {
    send: async (text) => {
      waiting.push({ text, at: now().toISOString() });
      while (waiting.length > 0) await flush();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The tail query each SQLite process runs every `tailMs` (measured in `bench/`). */
export const OUTBOX_TAIL_SQL = 'SELECT id, origin, body FROM event_outbox WHERE id > $1 ORDER BY id LIMIT 500';
