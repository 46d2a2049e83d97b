import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Starts tests/support/smtp-sink-server.ts in a separate process and talks
 * to it over IPC: its port, its counts, and stopping it (a "relay down").
 */
export type SinkRules = {
  rcpt?: Record<string, string>;
  rcptOnce?: Record<string, string>;
  endOnce?: Record<string, string>;
  dropOnce?: string[];
  saveDir?: string;
  logFile?: string;
  port?: number;
  /** PEM key and certificate: STARTTLS is offered (or, with `secure`, TLS from the first byte). */
  tls?: { key: string; cert: string };
  secure?: boolean;
  /** AUTH required with this user name and password (only over TLS, as smtp-server insists). */
  auth?: { user: string; pass: string };
};
export type SinkStats = {
  accepted: number;
  refused: number;
  dropped: number;
  connections: number;
  overTls: number;
  authenticatedAs: string;
};
export type SmtpSink = {
  port: number;
  child: ChildProcess;
  stats(): Promise<SinkStats>;
  /** Waits until every accepted message is in the log file. */
  flush(): Promise<void>;
  stop(): Promise<void>;
};

const SERVER = resolve(import.meta.dirname, 'smtp-sink-server.ts');

export async function startSmtpSink(rules: SinkRules = {}): Promise<SmtpSink> {
  const child = fork(SERVER, [JSON.stringify(rules)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execPath: process.execPath,
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error('The SMTP sink did not start')), 15_000);
    child.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'listening') {
        clearTimeout(timer);
        resolvePort(m.port ?? 0);
      }
    });
    child.once('exit', (code) => reject(new Error(`The SMTP sink exited with ${code}`)));
  });
  const ask = <T>(type: string, answer: string) =>
    new Promise<T>((resolveAnswer) => {
      const on = (m: { type: string; stats?: SinkStats }) => {
        if (m.type !== answer) return;
        child.off('message', on);
        resolveAnswer(m as T);
      };
      child.on('message', on);
      child.send({ type });
    });
  return {
    port,
    child,
    stats: async () => (await ask<{ stats: SinkStats }>('stats', 'stats')).stats,
    flush: async () => void (await ask('flush', 'flushed')),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
}
