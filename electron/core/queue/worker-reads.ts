import type { MessagePort } from 'node:worker_threads';
import { UNSUBSCRIBE_KEY_SECRET, unsubscribeKey } from '../email/unsubscribe-token.ts';
import type { Logger } from '../logging/logger.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { isWorkerSecretName, ReadRequest, ReadResponse } from './worker-thread-protocol.ts';

/**
 * What the queue worker reads from its host besides the store: channel
 * secrets and the unsubscribe key by name, and the public address for
 * unsubscribe links. In-process and in the headless worker these come from
 * the stores directly; in a worker thread, over a MessagePort from the host.
 */
export type WorkerReads = {
  secret(name: string): Promise<string | undefined>;
  publicBaseUrl(): Promise<string | null>;
};

/** The unsubscribe key through a reader (the host makes it on first use; the thread only reads). */
export async function unsubscribeKeyFrom(reads: WorkerReads): Promise<Buffer> {
  const value = await reads.secret(UNSUBSCRIBE_KEY_SECRET);
  if (value === undefined) throw new Error('The unsubscribe key could not be read, so email cannot be sent.');
  return Buffer.from(value, 'base64url');
}

/** Reads straight from a host's stores; the unsubscribe key is made on first use, as before. */
export function readsFromStores(secrets: SecretStore, settings: SettingsStore): WorkerReads {
  return {
    secret: async (name) =>
      name === UNSUBSCRIBE_KEY_SECRET ? (await unsubscribeKey(secrets)).toString('base64url') : secrets.get(name),
    publicBaseUrl: async () => (await settings.read()).publicBaseUrl,
  };
}

/**
 * The host's side of the reads port: answers each request once, reads only,
 * and only the names `isWorkerSecretName` allows. Errors are answered with
 * their message (the secret store's messages name secrets, never values) and
 * logged by name. Returns a function that stops answering.
 */
export function serveWorkerReads(
  port: MessagePort,
  reads: WorkerReads,
  logger: Logger,
  tap?: (direction: 'in' | 'out', message: unknown) => void,
): () => void {
  const answer = (response: ReadResponse) => {
    tap?.('out', response);
    port.postMessage(response);
  };
  const onMessage = (raw: unknown) => {
    tap?.('in', raw);
    const parsed = ReadRequest.safeParse(raw);
    if (!parsed.success) {
      logger.warn('The queue worker thread sent a request that is not a read; ignored');
      return;
    }
    const request = parsed.data;
    if (request.kind === 'secret' && !isWorkerSecretName(request.name)) {
      logger.warn('The queue worker thread asked for a secret it may not read; refused', { name: request.name });
      answer({
        id: request.id,
        ok: false,
        message: `The queue worker may not read the secret "${request.name}" (only channel credentials and the unsubscribe key).`,
      });
      return;
    }
    const read = request.kind === 'secret' ? reads.secret(request.name) : reads.publicBaseUrl();
    read.then(
      (value) => answer({ id: request.id, ok: true, value: value ?? null }),
      (error: unknown) => {
        const what = request.kind === 'secret' ? `the secret "${request.name}"` : 'the public address';
        logger.warn('A read for the queue worker thread failed', { what, error });
        const reason = error instanceof Error ? error.message : 'an unknown error';
        answer({ id: request.id, ok: false, message: `The app could not read ${what}: ${reason}` });
      },
    );
  };
  port.on('message', onMessage);
  return () => {
    port.off('message', onMessage);
    port.close();
  };
}

/**
 * The thread's side: each read is a request with an id, answered once by the
 * host or refused after `timeoutMs` with a message that names what was asked
 * for (never a value).
 */
export function readsOverPort(port: MessagePort, timeoutMs: number): WorkerReads & { close(): void } {
  let nextId = 1;
  const waiting = new Map<number, { done: (r: ReadResponse) => void }>();
  port.on('message', (raw: unknown) => {
    const parsed = ReadResponse.safeParse(raw);
    if (!parsed.success) return;
    waiting.get(parsed.data.id)?.done(parsed.data);
  });
  const ask = (request: { kind: 'secret'; name: string } | { kind: 'publicBaseUrl' }, what: string) =>
    new Promise<string | null>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(
          new Error(
            `The app did not answer the queue worker's request for ${what} within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`,
          ),
        );
      }, timeoutMs);
      waiting.set(id, {
        done: (response) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (response.ok) resolve(response.value);
          else reject(new Error(response.message));
        },
      });
      port.postMessage({ id, ...request });
    });
  return {
    secret: async (name) => (await ask({ kind: 'secret', name }, `the secret "${name}"`)) ?? undefined,
    publicBaseUrl: () => ask({ kind: 'publicBaseUrl' }, 'the public address'),
    close: () => port.close(),
  };
}
