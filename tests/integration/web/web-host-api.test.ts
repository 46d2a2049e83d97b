import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { MAX_BODY_BYTES, startWebServer, type WebServer } from '../../../electron/hosts/web-server.ts';
import { openTempCore, type TempCore } from '../../support/temp-core.ts';

let temp: TempCore;
let server: WebServer;
let base: string;
let staticDir: string;

beforeAll(async () => {
  temp = await openTempCore();
  staticDir = mkdtempSync(join(tmpdir(), 'town-crier-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Town Crier</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'do not serve');
  server = await startWebServer({ core: temp.core, staticDir, logger: createLogger('web', (r) => temp.logs.push(r)) });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await temp.cleanup();
});

const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${server.token}`,
      'x-town-crier-session': temp.session,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Raw request, so the Host header can be forged (fetch will not let us). */
function rawGet(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host API', () => {
  it('binds to 127.0.0.1 and prints a tokened address', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('needs a signed-in session for every method but the public ones, sent in its own header', async () => {
    const anonymous = await call('updates.list', {}, { 'x-town-crier-session': '' });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const forged = await call('updates.list', {}, { 'x-town-crier-session': 'not-a-session-token' });
    expect(forged.status).toBe(401);
    const info = await call('app.info', {}, { 'x-town-crier-session': '' });
    expect(info.status).toBe(200);
    const state = await (await call('auth.state', {}, { 'x-town-crier-session': '' })).json();
    expect(state).toMatchObject({ ok: true, value: { state: 'signed_out' } });
    const mine = await (await call('auth.state', {})).json();
    expect(mine).toMatchObject({ ok: true, value: { state: 'signed_in', session: { user: { name: 'Ada Admin' } } } });
  });

  it('refuses a call without the token with 401', async () => {
    const res = await fetch(`${base}/api/updates.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
  });

  it('refuses a wrong token of the same length with 401', async () => {
    const wrong = server.token.replace(/./, (c) => (c === 'A' ? 'B' : 'A'));
    const res = await call('updates.list', {}, { authorization: `Bearer ${wrong}` });
    expect(res.status).toBe(401);
  });

  it('refuses a foreign Origin with 403, even with the token', async () => {
    const res = await call('updates.list', {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden');
  });

  it('accepts its own origin', async () => {
    const res = await call('updates.list', {}, { origin: base });
    expect(res.status).toBe(200);
  });

  it('refuses a forged Host header (DNS rebinding) with 403', async () => {
    expect(await rawGet('/', { host: `attacker.example:${server.port}` })).toBe(403);
    expect(await rawGet('/', { host: `127.0.0.1:${server.port}` })).toBe(200);
  });

  it('answers malformed input with 400 naming the field', async () => {
    const res = await call('updates.create', { title: 'x'.repeat(201) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.field).toBe('title');
    expect(body.error.message).toContain('200 characters');
  });

  it('names a nested field inside the body', async () => {
    const created = await (await call('updates.create', {})).json();
    const res = await call('updates.save', {
      id: created.value.id,
      baseRevision: 1,
      title: 't',
      summary: '',
      body: { type: 'doc', content: [{ type: 'paragraph' }, { type: 'iframe' }] },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.field).toBe('body.content.1.type');
  });

  it('answers invalid JSON with 400', async () => {
    const res = await call('updates.list', '{"limit":');
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_json');
  });

  it('refuses an unknown method with 404', async () => {
    const res = await call('updates.deleteEverything', {});
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('unknown_method');
  });

  it('refuses a body over 15 MB (a 10 MB image as base64, plus JSON) with 413', async () => {
    expect(MAX_BODY_BYTES).toBe(15 * 1024 * 1024);
    const res = await call('updates.create', JSON.stringify({ title: 'x', pad: 'y'.repeat(MAX_BODY_BYTES + 10) }));
    expect(res.status).toBe(413);
  });

  it('lists every contract method with JSON Schemas', async () => {
    const res = await fetch(`${base}/api/methods`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    const names = body.methods.map((m: { name: string }) => m.name);
    expect(names).toEqual(expect.arrayContaining(['updates.create', 'updates.list', 'updates.save', 'secrets.set']));
    const create = body.methods.find((m: { name: string }) => m.name === 'updates.create');
    expect(create.input.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(create.input.properties.title.maxLength).toBe(200);
    expect(create.output.required).toEqual(expect.arrayContaining(['id', 'revision', 'contentHash']));
    expect(body.events.map((e: { name: string }) => e.name)).toContain('update.changed');
  });

  it('GET /api/methods needs the token too', async () => {
    expect((await fetch(`${base}/api/methods`)).status).toBe(401);
  });

  it('streams core events over Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events`, {
      headers: { authorization: `Bearer ${server.token}` },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const created = await (await call('updates.create', { title: 'Gritting tonight' })).json();
    let text = '';
    while (!text.includes(created.value.id)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain('event: update.changed');
    expect(text).toContain(`"id":"${created.value.id}"`);
  });

  it('serves the renderer with a strict CSP and never a file outside it', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toContain('text/javascript');
    expect(await rawGet('/../outside-secret.txt', { host: `127.0.0.1:${server.port}` })).toBe(404);
    expect(await rawGet('/%2e%2e/outside-secret.txt', { host: `127.0.0.1:${server.port}` })).toBe(404);
  });

  it('never returns a secret value through any method', async () => {
    const set = await (await call('secrets.set', { name: 'x.api-secret', value: 'hunter2-very-secret' })).json();
    expect(set.ok).toBe(true);
    const list = await (await call('secrets.list', {})).text();
    expect(list).toContain('x.api-secret');
    expect(list).not.toContain('hunter2');
    expect(JSON.stringify(temp.logs)).not.toContain('hunter2');
  });
});
