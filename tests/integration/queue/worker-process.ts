import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { StoreLocation } from '../../../electron/core/store/open-store.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SINK_MODULE = resolve(ROOT, 'tests/support/http-sink-channel.ts');

export type WorkerProcess = {
  child: ChildProcess;
  /** The one line printed on start. */
  line: string;
  workerId: string;
  stdout: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
};

/**
 * Starts `node electron/hosts/worker.ts` (what `npm run worker` runs) on a
 * store, with the test sink channel loaded, and waits for its start line.
 */
export async function startWorkerProcess(
  location: StoreLocation,
  extra: string[] = [],
  options: { startTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const store = location.databaseUrl ? ['--database', location.databaseUrl] : ['--data', location.dataDir];
  const child = spawn(
    process.execPath,
    ['electron/hosts/worker.ts', ...store, '--channels-module', SINK_MODULE, '--poll-ms', '20', ...extra],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOWN_CRIER_SECRET_KEY: '' } },
  );
  const stdout: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, at: Date.now() })),
  );
  const line = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed start (the caller never gets it to kill).
      child.kill('SIGKILL');
      fail(new Error(`The worker did not start: ${stderr}`));
    }, options.startTimeoutMs ?? 20_000);
    let buffer = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        stdout.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      if (stdout[0] !== undefined) {
        clearTimeout(timer);
        ready(stdout[0]);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      fail(new Error(`The worker exited with ${code} before starting: ${stderr}`));
    });
  });
  const workerId = /^Town Crier worker (\S+) started/.exec(line)?.[1] ?? '';
  return { child, line, workerId, stdout, stderr: () => stderr, exited };
}

/** Kills a worker process that is still running (after a failed test). */
export function killIfRunning(worker: WorkerProcess | undefined): void {
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
}
