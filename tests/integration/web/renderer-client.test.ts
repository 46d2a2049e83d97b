import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, CrierError, httpTransport, type Client } from '../../../renderer/src/api.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { startWebServer, type WebServer } from '../../../electron/hosts/web-server.ts';
import { openTempCore, type TempCore } from '../../support/temp-core.ts';

let temp: TempCore;
let server: WebServer;
let client: Client;

beforeAll(async () => {
  temp = await openTempCore();
  const staticDir = mkdtempSync(join(tmpdir(), 'tc-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  server = await startWebServer({ core: temp.core, staticDir, logger: createLogger('web', () => undefined) });
  client = createClient(httpTransport(`http://127.0.0.1:${server.port}`, server.token));
  client.setSession(temp.session);
});

afterAll(async () => {
  await server.close();
  await temp.cleanup();
});

it('the renderer client creates, saves and lists through the web host, with typed results', async () => {
  const created = await client.call('updates.create', { title: 'Library hours change' });
  const saved = await client.call('updates.save', {
    id: created.id,
    baseRevision: created.revision,
    title: 'Library hours change from Monday',
    summary: 'Central Library opens at 10am.',
    body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Opening later.' }] }] },
  });
  expect(saved.revision).toBe(2);
  expect(saved.bodyHtml).toBe('<p>Opening later.</p>');
  const page = await client.call('updates.list', {});
  expect(page.items[0]).toMatchObject({
    id: created.id,
    title: 'Library hours change from Monday',
    excerpt: 'Opening later.',
  });
});

it('turns a failed call into a CrierError with the core code and field', async () => {
  const created = await client.call('updates.create', {});
  const stale = client.call('updates.save', {
    id: created.id,
    baseRevision: 7,
    title: 'x',
    summary: '',
    body: { type: 'doc', content: [] },
  });
  await expect(stale).rejects.toBeInstanceOf(CrierError);
  await expect(stale).rejects.toMatchObject({ code: 'conflict' });
  await expect(client.call('updates.get', { id: 'nope' })).rejects.toMatchObject({
    code: 'invalid_input',
    field: 'id',
  });
});

it('delivers core events to listeners and stops after unsubscribe', async () => {
  const seen: string[] = [];
  const unsubscribe = client.on('update.changed', (e) => seen.push(e.id));
  await new Promise((r) => setTimeout(r, 200));
  const first = await client.call('updates.create', { title: 'Gritting tonight' });
  await expect.poll(() => seen, { timeout: 5000 }).toContain(first.id);
  unsubscribe();
  const second = await client.call('updates.create', { title: 'Gritting tomorrow' });
  await new Promise((r) => setTimeout(r, 300));
  expect(seen).not.toContain(second.id);
});

it('reports an unreachable host as a clear error, not a crash', async () => {
  const dead = createClient(httpTransport('http://127.0.0.1:9', 'x'));
  await expect(dead.call('app.info', {})).rejects.toMatchObject({
    code: 'internal',
    message: expect.stringContaining('not reachable'),
  });
});
