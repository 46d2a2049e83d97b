import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { UNSUBSCRIBE_KEY_SECRET } from '../../../electron/core/email/unsubscribe-token.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import { readsOverPort, serveWorkerReads, type WorkerReads } from '../../../electron/core/queue/worker-reads.ts';
import { isWorkerSecretName } from '../../../electron/core/queue/worker-thread-protocol.ts';

/** The reads port between a host and its worker thread, over a real MessageChannel. */
const VALUE = 'xoxo-channel-token-41f2';
const KEY = 'dW5zdWJzY3JpYmUta2V5LWZvci10ZXN0cy0zMi1ieXRlcw';
const stored: Record<string, string> = {
  'channel.t1.password': VALUE,
  [UNSUBSCRIBE_KEY_SECRET]: KEY,
  'x.token': 'nope',
};

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

function pair(host: Partial<WorkerReads> = {}, timeoutMs = 2000) {
  const channel = new MessageChannel();
  const logs: LogRecord[] = [];
  const seen: { direction: string; message: unknown }[] = [];
  const stop = serveWorkerReads(
    channel.port1,
    {
      secret: async (name) => stored[name],
      publicBaseUrl: async () => 'https://alerts.example.gov.uk',
      ...host,
    },
    createLogger('host', (r) => logs.push(r)),
    (direction, message) => seen.push({ direction, message }),
  );
  const reads = readsOverPort(channel.port2, timeoutMs);
  closers.push(stop, reads.close);
  return { reads, logs, seen };
}

describe('worker thread reads', () => {
  it('answers a channel secret, the unsubscribe key and the public address', async () => {
    const { reads, seen } = pair();
    await expect(reads.secret('channel.t1.password')).resolves.toBe(VALUE);
    await expect(reads.secret(UNSUBSCRIBE_KEY_SECRET)).resolves.toBe(KEY);
    await expect(reads.secret('channel.t1.dkim-key')).resolves.toBeUndefined();
    await expect(reads.publicBaseUrl()).resolves.toBe('https://alerts.example.gov.uk');
    // The value crosses once, in the answer; the request carries only the name.
    const carrying = seen.filter((m) => JSON.stringify(m.message).includes(VALUE));
    expect(carrying).toEqual([{ direction: 'out', message: { id: 1, ok: true, value: VALUE } }]);
    expect(seen[0]).toEqual({ direction: 'in', message: { id: 1, kind: 'secret', name: 'channel.t1.password' } });
  });

  it('refuses any other secret by name, with a clear error and a log line without values', async () => {
    const { reads, logs } = pair();
    await expect(reads.secret('x.token')).rejects.toThrow(
      'The queue worker may not read the secret "x.token" (only channel credentials and the unsubscribe key).',
    );
    await expect(reads.secret('channel.t1')).rejects.toThrow('may not read');
    await expect(reads.secret('channel..password')).rejects.toThrow('may not read');
    expect(logs.map((r) => r.message)).toContain('The queue worker thread asked for a secret it may not read; refused');
    expect(JSON.stringify(logs)).not.toContain('nope');
  });

  it('passes on a failing secret store as a plain error naming the secret', async () => {
    const { reads, logs } = pair({
      secret: async () => {
        throw new Error("Town Crier can't save passwords or tokens because no keyring is running.");
      },
    });
    await expect(reads.secret('channel.t1.password')).rejects.toThrow(
      'The app could not read the secret "channel.t1.password": Town Crier can\'t save passwords or tokens because no keyring is running.',
    );
    expect(logs.map((r) => r.message)).toContain('A read for the queue worker thread failed');
  });

  it('gives up after the time-out with an error that says what it waited for', async () => {
    const channel = new MessageChannel();
    // Nobody answers on port1.
    channel.port1.on('message', () => undefined);
    const reads = readsOverPort(channel.port2, 100);
    closers.push(() => channel.port1.close(), reads.close);
    await expect(reads.secret('channel.t1.password')).rejects.toThrow(
      'The app did not answer the queue worker\'s request for the secret "channel.t1.password" within 100 ms.',
    );
    await expect(reads.publicBaseUrl()).rejects.toThrow('for the public address');
  });

  it('allows only channel credentials and the unsubscribe key', () => {
    expect(isWorkerSecretName('channel.0b7c2a.password')).toBe(true);
    expect(isWorkerSecretName('channel.0b7c2a.api_key_secret')).toBe(true);
    expect(isWorkerSecretName(UNSUBSCRIBE_KEY_SECRET)).toBe(true);
    for (const name of ['settings.smtp', 'session.abc', 'channel.a.b.c', 'channel.a', 'email.other', '']) {
      expect(isWorkerSecretName(name)).toBe(false);
    }
  });
});
