import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminSession, startWebHost, type RunningWebHost } from '../../support/web-host.ts';

let host: RunningWebHost;
let staticDir: string;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'town-crier-static-'));
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Town Crier</title>');
  host = await startWebHost({ args: ['--static', staticDir] });
});

afterAll(async () => {
  await host?.stop();
});

it('prints exactly one line: the tokened 127.0.0.1 address', async () => {
  await new Promise((r) => setTimeout(r, 300));
  expect(host.lines).toHaveLength(1);
  expect(host.lines[0]).toMatch(/^Town Crier web host: http:\/\/127\.0\.0\.1:\d+\/\?token=\S{32}$/);
});

it('stores updates in a SQLite file in the data folder and secrets in a 0600 file', async () => {
  const res = await fetch(`${host.origin}/api/secrets.set`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${host.token}`,
      'x-town-crier-session': await adminSession(host),
    },
    body: JSON.stringify({ name: 'smtp.password', value: 'not-in-the-clear' }),
  });
  expect(res.status).toBe(200);
  expect(existsSync(join(host.dataDir, 'town-crier.sqlite'))).toBe(true);
  const secrets = join(host.dataDir, 'secrets.json');
  expect(statSync(secrets).mode & 0o777).toBe(0o600);
  expect(statSync(join(host.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  expect(readFileSync(secrets, 'utf8')).not.toContain('not-in-the-clear');
});
