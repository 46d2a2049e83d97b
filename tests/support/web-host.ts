import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
