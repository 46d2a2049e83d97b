import { afterEach, describe, expect, it } from 'vitest';
import { startMastodonEmulator, type MastodonEmulator } from '../../support/mastodon-emulator.ts';

/** The emulator's own rules, so the adapter's tests can trust what it refuses. */

let emulator: MastodonEmulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function start(options: Parameters<typeof startMastodonEmulator>[0] = {}) {
  emulator = await startMastodonEmulator(options);
  const e = emulator;
  const call = async (method: string, path: string, init: { json?: unknown; form?: FormData; key?: string } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${e.token}` };
    if (init.key) headers['idempotency-key'] = init.key;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.form;
    const response = await fetch(`${e.url}${path}`, { method, headers, ...(body ? { body } : {}) });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  return { e, call };
}

describe('Mastodon emulator', () => {
  it('refuses a bad token with Mastodon’s body, and reports its instance limit', async () => {
    const { e, call } = await start({ maxCharacters: 1000 });
    const bad = await fetch(`${e.url}/api/v1/accounts/verify_credentials`, { headers: { authorization: 'Bearer no' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'The access token is invalid' });
    const instance = await call('GET', '/api/v2/instance');
    expect(instance.body).toMatchObject({ configuration: { statuses: { max_characters: 1000 } } });
  });

  it('counts length the Mastodon way (a URL is 23) and refuses over the limit with 422', async () => {
    const { e, call } = await start();
    const withUrl = `${'a'.repeat(470)} https://www.example.gov.uk/${'x'.repeat(100)}`;
    expect((await call('POST', '/api/v1/statuses', { json: { status: withUrl } })).status).toBe(200);
    const over = await call('POST', '/api/v1/statuses', { json: { status: 'a'.repeat(501) } });
    expect(over).toMatchObject({
      status: 422,
      body: { error: 'Validation failed: Text character limit of 500 exceeded' },
    });
    expect(e.statuses).toHaveLength(1);
  });

  it('de-duplicates by Idempotency-Key and requires replies to exist', async () => {
    const { e, call } = await start();
    const first = await call('POST', '/api/v1/statuses', { json: { status: 'Hello' }, key: 'k1' });
    const again = await call('POST', '/api/v1/statuses', { json: { status: 'Hello' }, key: 'k1' });
    expect(again.body.id).toBe(first.body.id);
    expect(e.statuses).toHaveLength(1);
    const orphan = await call('POST', '/api/v1/statuses', { json: { status: 'Reply', in_reply_to_id: '999' } });
    expect(orphan).toMatchObject({ status: 404, body: { error: 'Record not found' } });
  });

  it('processes media asynchronously, limits descriptions to 1,500 and attachments to 4', async () => {
    const { call } = await start({ mediaPolls: 1 });
    const form = (description: string) => {
      const f = new FormData();
      f.append('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'a.png');
      f.append('description', description);
      return f;
    };
    const long = await call('POST', '/api/v2/media', { form: form('d'.repeat(1501)) });
    expect(long).toMatchObject({ status: 422, body: { error: expect.stringContaining('Description is too long') } });
    const uploaded = await call('POST', '/api/v2/media', { form: form('A bin') });
    expect(uploaded).toMatchObject({ status: 202, body: { url: null, description: 'A bin' } });
    const id = String(uploaded.body.id);
    const early = await call('POST', '/api/v1/statuses', { json: { status: 'x', media_ids: [id] } });
    expect(early.status).toBe(422);
    expect((await call('GET', `/api/v1/media/${id}`)).status).toBe(200);
    expect((await call('POST', '/api/v1/statuses', { json: { status: 'x', media_ids: [id] } })).status).toBe(200);
    const five = await call('POST', '/api/v1/statuses', { json: { status: 'x', media_ids: [id, id, id, id, id] } });
    expect(five).toMatchObject({ status: 422, body: { error: 'Cannot attach more than 4 files' } });
  });

  it('sends rate-limit headers and 429 when exhausted; injects faults', async () => {
    const { e, call } = await start({ rateLimit: 2 });
    const ok = await call('GET', '/api/v1/accounts/verify_credentials');
    expect(ok.headers.get('x-ratelimit-limit')).toBe('2');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Date.parse(ok.headers.get('x-ratelimit-reset') ?? '')).toBeGreaterThan(Date.now());
    e.exhaustRateLimit(60_000);
    expect((await call('GET', '/api/v1/accounts/verify_credentials')).status).toBe(429);
    e.exhaustRateLimit(0);
    e.failNext('statuses', { kind: 'status', status: 500 });
    expect((await call('POST', '/api/v1/statuses', { json: { status: 'x' } })).status).toBe(500);
    e.failNext('statuses', { kind: 'drop' });
    await expect(call('POST', '/api/v1/statuses', { json: { status: 'dropped' } })).rejects.toThrow();
    expect(e.statuses.map((s) => s.text)).toEqual(['dropped']);
  });
});
