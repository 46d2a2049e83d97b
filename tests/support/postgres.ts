import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for integration tests: initdb into a temp
 * folder, a postmaster on a free loopback port, gone again after `stop()`.
 *
 * initdb and postgres refuse to run as root, and the tests run as root in CI;
 * then both run as the unprivileged `postgres` system user (Debian's
 * postgresql packages create it) in a temp folder handed over to that user.
 */
export type ThrowawayPostgres = {
  /** Superuser URL of the `postgres` database, with the password. */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Milliseconds from the call to accepting connections. */
  startedInMs: number;
  /** Shuts the cluster down (immediately) and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
};

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 20_000;

/** Where initdb and postgres live: `PG_BIN_DIR`, Debian's PostgreSQL 15, or whatever is on PATH. */
function binary(name: 'initdb' | 'postgres'): string {
  const dir = process.env.PG_BIN_DIR ?? DEFAULT_BIN_DIR;
  const path = join(dir, name);
  return existsSync(path) ? path : name;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The uid and gid of the `postgres` system user; a clear error when it does not exist. */
function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('not a number');
    return { uid, gid };
  } catch (error) {
    throw new Error(
      'Running as root, the throwaway PostgreSQL needs the "postgres" system user (apt-get install postgresql)',
      { cause: error },
    );
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No free port'))));
    });
  });
}

type Identity = { uid: number; gid: number } | undefined;

/** Runs a program (as `identity` when given) and resolves with its output; rejects with that output on failure. */
function run(command: string, args: string[], identity: Identity, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...identity });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}

function childEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
}

/**
 * For the 'exit' handler, which cannot await: blocks until the process has exited
 * (gone, or a zombie; the postmaster exits only after its backends). Linux /proc only.
 */
function waitForExitSync(pid: number, timeoutMs: number): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let state: string | undefined;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.[0];
    } catch {
      return;
    }
    if (state === undefined || state === 'Z' || state === 'X') return;
    Atomics.wait(cell, 0, 0, 20);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a fresh cluster and resolves once it accepts connections (normally within a couple of seconds). */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const started = performance.now();
  const identity: Identity = isRoot() ? postgresUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'town-crier-pg-'));
  const dataDir = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwFile = join(dir, 'pwfile');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (identity) {
    chownSync(dir, identity.uid, identity.gid);
    chownSync(pwFile, identity.uid, identity.gid);
  }

  let postmaster: ChildProcess | undefined;
  let stopped = false;
  // A test runner that exits without calling stop() must not leave the cluster behind.
  const onExit = () => {
    const child = postmaster;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      waitForExitSync(child.pid, 5_000);
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };
  process.on('exit', onExit);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    const child = postmaster;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // SIGQUIT is PostgreSQL's "immediate shutdown": the postmaster takes its backends down with it.
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await run(
      binary('initdb'),
      [
        '--pgdata',
        dataDir,
        '--username',
        SUPERUSER,
        `--pwfile=${pwFile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
        '--no-instructions',
      ],
      identity,
      dir,
    );

    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const spawned = spawnPostmaster(dataDir, dir, port, identity);
      const child = spawned.child;
      postmaster = child;
      try {
        await waitUntilReady(spawned, port, password);
        const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;
        return {
          url,
          host: '127.0.0.1',
          port,
          user: SUPERUSER,
          password,
          startedInMs: Math.round(performance.now() - started),
          stop,
        };
      } catch (error) {
        lastError = error;
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGQUIT');
          await exited;
        }
        // Another process may have taken the port between probing and binding: try another one.
        if (!/could not (bind|create any TCP\/IP sockets)|Address already in use/i.test(String(error))) break;
      }
    }
    throw lastError;
  } catch (error) {
    await stop();
    throw error;
  }
}

type Postmaster = { child: ChildProcess; log: () => string };

function spawnPostmaster(dataDir: string, dir: string, port: number, identity: Identity): Postmaster {
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=32MB',
    '-c',
    'logging_collector=off',
  ];
  // With setpriv, the kernel sends the postmaster SIGQUIT (immediate shutdown) if this process
  // dies without running its exit handlers (SIGKILL, a crashed worker).
  const setpriv = '/usr/bin/setpriv';
  const [command, commandArgs] = existsSync(setpriv)
    ? [setpriv, ['--pdeathsig', 'QUIT', '--', binary('postgres'), ...args]]
    : [binary('postgres'), args];
  const child = spawn(command, commandArgs, {
    cwd: dir,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...identity,
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, log: () => log };
}

/** Polls with a real connection until the server answers, or fails with its log. */
async function waitUntilReady({ child, log }: Postmaster, port: number, password: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  for (;;) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited before accepting connections:\n${log()}`);
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(`postgres did not accept connections within ${READY_TIMEOUT_MS} ms:\n${log()}`, {
          cause: error,
        });
      }
    }
    await sleep(50);
  }
}

/** The same URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Creates an empty database with a random name on the cluster (so test files
 * and tests do not see each other's rows) and returns its URL.
 */
export async function createFreshDatabase(
  server: Pick<ThrowawayPostgres, 'url'>,
  options: { prefix?: string; timeZone?: string } = {},
): Promise<string> {
  const prefix = (options.prefix ?? 'test')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: server.url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
    if (options.timeZone !== undefined) {
      await client.query(`ALTER DATABASE "${name}" SET timezone TO ${client.escapeLiteral(options.timeZone)}`);
    }
  } finally {
    await client.end();
  }
  return withDatabase(server.url, name);
}
