import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSubscribersRepository } from '../../../electron/core/email/subscribers-repository.ts';
import { signUnsubscribeToken, unsubscribeKey } from '../../../electron/core/email/unsubscribe-token.ts';
import { openNodeStores } from '../../../electron/hosts/node-core.ts';
import { startWebHost } from '../../support/web-host.ts';
import { killIfRunning, startWorkerProcess, type WorkerProcess } from '../queue/worker-process.ts';

/**
 * `/u/<token>` over real HTTP, on the headless worker (`--http-port`) and the
 * web host, each a child process on its own data folder. Requests come with
 * the proxy's Host header, as they will in production.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Answer = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

function call(
  base: string,
  method: string,
  path: string,
  body?: string,
  host = 'alerts.example.gov.uk',
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          host,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A data folder with two active subscribers on a list, and the tokens the tests use. */
async function seed() {
  const dataDir = mkdtempSync(join(tmpdir(), 'town-crier-unsub-'));
  dirs.push(dataDir);
  const { db, secrets } = await openNodeStores({ dataDir });
  const repo = createSubscribersRepository({ db });
  const list = await repo.createList({ name: 'Roads' });
  const ann = await repo.add(list.id, { email: 'ann@example.org', emailKey: 'ann@example.org', name: 'Ann' }, 'form');
  const bob = await repo.add(list.id, { email: 'bob@example.org', emailKey: 'bob@example.org', name: null }, 'form');
  const key = await unsubscribeKey(secrets);
  const now = new Date();
  const tokens = {
    ann: signUnsubscribeToken(key, { subscriberId: ann.id, listId: list.id, issuedAt: now }),
    bob: signUnsubscribeToken(key, { subscriberId: bob.id, listId: list.id, issuedAt: now }),
    expired: signUnsubscribeToken(key, {
      subscriberId: bob.id,
      listId: list.id,
      issuedAt: new Date(now.getTime() - 401 * 24 * 3600 * 1000),
    }),
  };
  const status = async (id: string) => (await repo.get(id))?.status;
  return { dataDir, db, ann, bob, tokens, status };
}

async function checkUnsubscribeRoutes(base: string, s: Awaited<ReturnType<typeof seed>>) {
  // GET shows a page with a button and changes nothing (a link scanner must not unsubscribe anyone).
  const shown = await call(base, 'GET', `/u/${s.tokens.ann}`);
  expect(shown.status).toBe(200);
  expect(shown.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(shown.headers['content-security-policy']).toContain("default-src 'none'");
  expect(shown.body).toContain('<html lang="en-GB">');
  expect(shown.body).toContain('<h1>Unsubscribe from Your council emails</h1>');
  expect(shown.body).toContain('Do you want to stop “Roads” emails to ann@example.org?');
  expect(shown.body).toContain('<form method="post"><button type="submit">Unsubscribe</button></form>');
  expect(await s.status(s.ann.id)).toBe('active');

  // A forged token: a clear page, and nothing changes.
  const forged = s.tokens.ann.slice(0, -2) + (s.tokens.ann.endsWith('AA') ? 'BB' : 'AA');
  for (const method of ['GET', 'POST']) {
    const refused = await call(
      base,
      method,
      `/u/${forged}`,
      method === 'POST' ? 'List-Unsubscribe=One-Click' : undefined,
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('This unsubscribe link was not issued by us, or it has been changed.');
    expect(refused.body).toContain('Nothing has been changed.');
  }
  const expired = await call(base, 'POST', `/u/${s.tokens.expired}`, 'List-Unsubscribe=One-Click');
  expect(expired.status).toBe(410);
  expect(expired.body).toContain('This unsubscribe link has expired.');
  expect(await s.status(s.ann.id)).toBe('active');
  expect(await s.status(s.bob.id)).toBe('active');

  // RFC 8058 one-click: a POST unsubscribes at once, with no confirmation.
  const done = await call(base, 'POST', `/u/${s.tokens.ann}`, 'List-Unsubscribe=One-Click');
  expect(done.status).toBe(200);
  expect(done.body).toContain('<h1>You are unsubscribed</h1>');
  expect(await s.status(s.ann.id)).toBe('unsubscribed');
  expect(await s.status(s.bob.id)).toBe('active');
  // Again: the same answer, still unsubscribed.
  expect((await call(base, 'POST', `/u/${s.tokens.ann}`, 'List-Unsubscribe=One-Click')).body).toContain(
    'You are unsubscribed',
  );
  expect((await call(base, 'GET', `/u/${s.tokens.ann}`)).body).toContain(
    'ann@example.org will not get any more emails',
  );
  // Only /u/<token> is served without the app token.
  expect((await call(base, 'PUT', `/u/${s.tokens.bob}`, '')).status).toBe(405);
  expect(await s.status(s.bob.id)).toBe('active');
}

describe('unsubscribe links over HTTP', () => {
  it('the headless worker serves /u/<token> with --http-port', { timeout: 60_000 }, async () => {
    const s = await seed();
    let worker: WorkerProcess | undefined;
    try {
      worker = await startWorkerProcess({ dataDir: s.dataDir }, ['--http-port', '0']);
      const base = /unsubscribe links on (http:\/\/127\.0\.0\.1:\d+)/.exec(worker.line)?.[1];
      expect(base).toBeDefined();
      await checkUnsubscribeRoutes(base ?? '', s);
      expect((await call(base ?? '', 'GET', '/api/methods')).status).toBe(404);
    } finally {
      killIfRunning(worker);
      await s.db.close();
    }
  });

  it(
    'the web host serves /u/<token> outside /api/, with no app token, under the proxy Host',
    { timeout: 60_000 },
    async () => {
      const s = await seed();
      const staticDir = mkdtempSync(join(tmpdir(), 'town-crier-static-'));
      dirs.push(staticDir);
      writeFileSync(join(staticDir, 'index.html'), '<!DOCTYPE html><title>stub</title>');
      const host = await startWebHost({ dataDir: s.dataDir, args: ['--static', staticDir, '--no-worker'] });
      try {
        await checkUnsubscribeRoutes(host.origin, s);
        // The rest of the host still refuses a foreign Host.
        expect((await call(host.origin, 'GET', '/')).status).toBe(403);
      } finally {
        await host.stop();
        await s.db.close();
      }
    },
  );
});
