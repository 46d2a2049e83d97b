import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ADA } from './people.ts';

export type RunningWebHost = {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  lines: string[];
  stop(): Promise<void>;
};

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Starts the real web host (`node electron/hosts/web.ts`) on a free port with
 * a fresh data folder, exactly as `npm run web` does after building, and
 * waits for its one line.
 */
export async function startWebHost(options: { dataDir?: string; args?: string[] } = {}): Promise<RunningWebHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'town-crier-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'electron/hosts/web.ts'), '--data', dataDir, '--port', '0', ...(options.args ?? [])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOWN_CRIER_SECRET_KEY: '' } },
  );
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${stderr}`)), 20_000);
    let buffer = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      const match = /^Town Crier web host: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(lines[0] ?? '');
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}: ${stderr}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    lines,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls a method on a running web host over HTTP, as the page does; `session` is a signed-in person's token. */
export async function callHost<T = unknown>(
  host: Pick<RunningWebHost, 'origin' | 'token'>,
  method: string,
  input: unknown,
  session?: string,
): Promise<T> {
  const res = await fetch(`${host.origin}/api/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${host.token}`,
      ...(session ? { 'x-town-crier-session': session } : {}),
    },
    body: JSON.stringify(input),
  });
  const result = (await res.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** First-run set-up over HTTP (or Ada signing in when it was done before); returns her session token. */
export async function adminSession(host: Pick<RunningWebHost, 'origin' | 'token'>): Promise<string> {
  const state = await callHost<{ state: string }>(host, 'auth.state', {});
  const admin =
    state.state === 'setup'
      ? await callHost<{ token: string }>(host, 'auth.setup', ADA)
      : await callHost<{ token: string }>(host, 'auth.signIn', { email: ADA.email, password: ADA.password });
  return admin.token;
}
