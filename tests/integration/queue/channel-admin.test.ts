import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../../../electron/core/channels/registry.ts';
import type { SecretStore } from '../../../electron/core/secrets/secret-store.ts';
import { colleague } from '../../support/people.ts';
import { channelAdapters, SINK_KIND } from '../../support/http-sink-channel.ts';
import { startBlueskyEmulator } from '../../support/bluesky-emulator.ts';
import { startMastodonEmulator } from '../../support/mastodon-emulator.ts';
import { startXEmulator } from '../../support/x-emulator.ts';
import {
  callError,
  callOk,
  createScope,
  ENGINES,
  openQueueHarness,
  usePostgres,
  type QueueHarness,
} from './queue-harness.ts';

/**
 * Connecting a channel with its secrets, Test connection, Replace credentials
 * and Disconnect, on both engines, against the real adapters and the
 * emulators (X, Mastodon, Bluesky) and the HTTP sink.
 */

const postgres = usePostgres();
const TEST_TIMEOUT_MS = 700;

/** A TCP server that accepts connections and never answers: a channel that hangs. */
async function silentServer(): Promise<string> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

describe.each(ENGINES)('channels: secrets, test, reconnect, disconnect on $engine', ({ engine }) => {
  let scope = createScope();
  afterEach(async () => {
    const current = scope;
    scope = createScope();
    await current.dispose();
  });

  let failSecretWrites = false;
  const open = (): Promise<QueueHarness> => {
    failSecretWrites = false;
    return openQueueHarness(scope, engine, postgres, {
      channels: createChannelRegistry([...BUILT_IN_CHANNEL_ADAPTERS, ...channelAdapters]),
      channelTestTimeoutMs: TEST_TIMEOUT_MS,
      wrapSecrets: (store: SecretStore): SecretStore => ({
        ...store,
        set: async (name, value) => {
          if (failSecretWrites && name.endsWith('.access_secret')) throw new Error('disk full');
          return store.set(name, value);
        },
      }),
    });
  };

  it('lists each kind with the secrets it asks for (names and labels, never values)', async () => {
    const h = await open();
    const kinds = await callOk(h.core, 'channels.kinds', {});
    const secretsOf = (kind: string) => kinds.find((k) => k.kind === kind)?.secrets.map((s) => s.name);
    expect(secretsOf('social.x')).toEqual(['api_key', 'api_secret', 'access_token', 'access_secret']);
    expect(secretsOf('social.mastodon')).toEqual(['access_token']);
    expect(secretsOf('social.bluesky')).toEqual(['app_password']);
    expect(secretsOf('website.wordpress')).toEqual(['app_password']);
    expect(secretsOf('website.static')).toEqual([]);
    expect(secretsOf('email.smtp')).toEqual(['password', 'dkim-key']);
    const mastodon = kinds.find((k) => k.kind === 'social.mastodon')?.secrets[0];
    expect(mastodon?.label).toBe('Access token');
    expect(mastodon?.hint).toMatch(/Preferences/);
  });

  it('email: the SMTP password and the DKIM key may be left empty; a PEM key keeps its lines, nothing else may break a line', async () => {
    const h = await open();
    const kinds = await callOk(h.core, 'channels.kinds', {});
    const email = kinds.find((k) => k.kind === 'email.smtp')?.secrets;
    expect(email?.map((s) => [s.name, s.optional, s.multiline])).toEqual([
      ['password', true, false],
      ['dkim-key', true, true],
    ]);
    const list = await callOk(h.core, 'email.lists.create', { name: 'Roads' });
    const settings = {
      host: '127.0.0.1',
      port: 2525,
      security: 'none',
      fromName: 'Borsetshire Council',
      fromAddress: 'news@borsetshire.example.gov.uk',
      listIds: [list.id],
    };
    // A relay that needs no sign-in: nothing to store.
    const openRelay = await callOk(h.core, 'channels.create', {
      kind: 'email.smtp',
      name: 'Open relay',
      settings,
      secrets: {},
    });
    expect(await h.core.services.secrets.get(`channel.${openRelay.id}.password`)).toBeUndefined();

    const pem =
      '-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\r\nBKcwggSjAgEAAoIBAQC7\r\n-----END PRIVATE KEY-----\r\n';
    const signed = await callOk(h.core, 'channels.create', {
      kind: 'email.smtp',
      name: 'Signed relay',
      settings: { ...settings, user: 'crier', dkimDomain: 'borsetshire.example.gov.uk', dkimSelector: 'crier' },
      secrets: { password: 'relay-SECRET-91b2', 'dkim-key': pem },
    });
    expect(await h.core.services.secrets.get(`channel.${signed.id}.password`)).toBe('relay-SECRET-91b2');
    // Line endings become \n; the key is stored whole.
    expect(await h.core.services.secrets.get(`channel.${signed.id}.dkim-key`)).toBe(pem.replace(/\r\n/g, '\n').trim());
    expect(JSON.stringify(signed)).not.toContain('relay-SECRET');

    // A password with a line break (copied with it) is refused, naming the field and not the value.
    const broken = await callError(h.core, 'channels.create', {
      kind: 'email.smtp',
      name: 'Broken',
      settings,
      secrets: { password: 'relay\nSECRET' },
    });
    expect(broken).toMatchObject({ code: 'invalid_input', field: 'secrets.password' });
    expect(broken.message).not.toContain('SECRET');
    // Replace credentials with nothing in it is refused rather than "saved".
    const empty = await callError(h.core, 'channels.setSecrets', { targetId: signed.id, secrets: {} });
    expect(empty).toMatchObject({ code: 'invalid_input', field: 'secrets' });
    expect(await h.core.services.secrets.get(`channel.${signed.id}.password`)).toBe('relay-SECRET-91b2');
  });

  it('connects Mastodon with its token, tests the connection, and the token never leaks', async () => {
    const token = 'mastodon-token-SECRET-7f3a9c';
    const emulator = await startMastodonEmulator({ token });
    onTestFinished(() => emulator.stop());
    const h = await open();
    const outputs: unknown[] = [];
    const target = await callOk(h.core, 'channels.create', {
      kind: 'social.mastodon',
      name: 'Council Mastodon',
      settings: { instanceUrl: emulator.url, timeoutMs: 2000 },
      secrets: { access_token: `  ${token}  ` },
    });
    outputs.push(target);
    expect(await h.core.services.secrets.get(`channel.${target.id}.access_token`)).toBe(token);
    const tested = await callOk(h.core, 'channels.test', { targetId: target.id });
    outputs.push(tested);
    expect(tested).toEqual({
      ok: true,
      account: expect.stringContaining('borsetshire'),
      limits: { mastodonLimit: 500 },
    });

    // An author and an approver may test; neither may connect, reconnect or disconnect.
    const author = await colleague(h.core, ['author']);
    const approver = await colleague(h.core, ['approver']);
    expect(await callOk(author, 'channels.test', { targetId: target.id })).toMatchObject({ ok: true });
    expect(await callOk(approver, 'channels.test', { targetId: target.id })).toMatchObject({ ok: true });
    for (const [method, input] of [
      ['channels.create', { kind: 'social.mastodon', name: 'M', settings: { instanceUrl: emulator.url } }],
      ['channels.setSecrets', { targetId: target.id, secrets: { access_token: 'x' } }],
      ['channels.remove', { targetId: target.id }],
      ['channels.test', { kind: 'social.mastodon', settings: { instanceUrl: emulator.url }, secrets: {} }],
    ] as const) {
      const refusal = await callError(author, method, input as never);
      expect(refusal.code).toBe('forbidden');
      outputs.push(refusal);
    }

    // Revoked: the test says what is wrong, without the token.
    emulator.revokeToken();
    const refused = await callOk(h.core, 'channels.test', { targetId: target.id });
    outputs.push(refused);
    expect(refused.ok).toBe(false);

    // Reconnect with a new token (the emulator accepts only its own, so the old one again after "regenerating").
    const wrong = await callError(h.core, 'channels.setSecrets', {
      targetId: target.id,
      secrets: { access_token: 'new\ttoken-SECRET' },
    });
    outputs.push(wrong);
    expect(wrong).toMatchObject({ code: 'invalid_input', field: 'secrets.access_token' });
    expect(wrong.message).toMatch(/control character/);
    outputs.push(
      await callOk(h.core, 'channels.setSecrets', {
        targetId: target.id,
        secrets: { access_token: 'replacement-SECRET-c0ffee' },
      }),
    );
    expect(await h.core.services.secrets.get(`channel.${target.id}.access_token`)).toBe('replacement-SECRET-c0ffee');

    const audit = JSON.stringify(await h.db.all('SELECT * FROM audit_log ORDER BY seq'));
    expect(audit).toContain('channel.connected');
    expect(audit).toContain(`channel.${target.id}.access_token`);
    expect(audit).toContain('channel.secret_set');
    const everything = [JSON.stringify(outputs), JSON.stringify(h.logs), audit, JSON.stringify(h.events)].join('\n');
    for (const value of [token, 'replacement-SECRET-c0ffee', 'token-SECRET']) {
      expect(everything).not.toContain(value);
    }
  });

  it('refuses bad secrets naming the field: missing, unknown, too long, for a kind that needs none', async () => {
    const h = await open();
    const base = { kind: 'social.mastodon', name: 'M', settings: { instanceUrl: 'https://mastodon.example' } };
    expect(await callError(h.core, 'channels.create', { ...base, secrets: {} })).toMatchObject({
      code: 'invalid_input',
      field: 'secrets.access_token',
      message: expect.stringMatching(/Enter the access token/),
    });
    expect(
      await callError(h.core, 'channels.create', { ...base, secrets: { access_token: 'a', password: 'b' } }),
    ).toMatchObject({ code: 'invalid_input', field: 'secrets.password' });
    expect(
      await callError(h.core, 'channels.create', { ...base, secrets: { access_token: 'a'.repeat(501) } }),
    ).toMatchObject({ code: 'invalid_input', field: 'secrets.access_token' });
    expect(
      await callError(h.core, 'channels.create', {
        kind: SINK_KIND,
        name: 'Sink',
        settings: { url: h.sink.url },
        secrets: { token: 'abc' },
      }),
    ).toMatchObject({ code: 'invalid_input', field: 'secrets.token', message: expect.stringMatching(/need no/) });
    expect(await callOk(h.core, 'channels.list', {})).toEqual([]);
  });

  it('leaves nothing half-connected when storing a secret fails', async () => {
    const emulator = await startXEmulator();
    onTestFinished(() => emulator.close());
    const h = await open();
    failSecretWrites = true;
    const secrets = {
      api_key: emulator.account.consumerKey,
      api_secret: emulator.account.consumerSecret,
      access_token: emulator.account.token,
      access_secret: emulator.account.tokenSecret,
    };
    const error = await callError(h.core, 'channels.create', {
      kind: 'social.x',
      name: 'Council X',
      settings: { apiBaseUrl: emulator.url },
      secrets,
    });
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/could not be stored, so nothing was changed/);
    expect(await callOk(h.core, 'channels.list', {})).toEqual([]);
    expect(await h.core.services.secrets.list()).toEqual([]);
    expect(await h.db.all(`SELECT seq FROM audit_log WHERE action = 'channel.connected'`)).toEqual([]);

    failSecretWrites = false;
    const target = await callOk(h.core, 'channels.create', {
      kind: 'social.x',
      name: 'Council X',
      settings: { apiBaseUrl: emulator.url },
      secrets,
    });
    expect(await callOk(h.core, 'channels.test', { targetId: target.id })).toEqual({
      ok: true,
      account: '@BorsetshireCC',
    });
    // A wrong secret: X refuses the signature, and the test says so.
    await callOk(h.core, 'channels.setSecrets', {
      targetId: target.id,
      secrets: { ...secrets, access_secret: 'not-the-right-secret' },
    });
    const refused = await callOk(h.core, 'channels.test', { targetId: target.id });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain('not-the-right-secret');
  });

  it('tests Bluesky and the HTTP sink; a failing and a hanging channel say what is wrong', async () => {
    const bluesky = await startBlueskyEmulator();
    onTestFinished(() => bluesky.stop());
    const h = await open();
    // Before connecting: the unsaved settings and app password, nothing stored.
    const draft = await callOk(h.core, 'channels.test', {
      kind: 'social.bluesky',
      settings: { handle: bluesky.handle, serviceUrl: bluesky.url },
      secrets: { app_password: bluesky.appPassword },
    });
    expect(draft).toEqual({ ok: true, account: `@${bluesky.handle}` });
    expect(await h.core.services.secrets.list()).toEqual([]);
    expect(await callOk(h.core, 'channels.list', {})).toEqual([]);
    const wrong = await callOk(h.core, 'channels.test', {
      kind: 'social.bluesky',
      settings: { handle: bluesky.handle, serviceUrl: bluesky.url },
      secrets: { app_password: 'aaaa-bbbb-cccc-dddd' },
    });
    expect(wrong.ok).toBe(false);
    expect(JSON.stringify(wrong)).not.toContain('aaaa-bbbb-cccc-dddd');

    const sink = await h.target(SINK_KIND, 'Working sink');
    expect(await callOk(h.core, 'channels.test', { targetId: sink.id })).toEqual({ ok: true, account: null });

    const closed = await h.target(SINK_KIND, 'Closed sink', { url: 'http://127.0.0.1:9' });
    const offline = await callOk(h.core, 'channels.test', { targetId: closed.id });
    expect(offline.ok).toBe(false);

    const hanging = await h.target(SINK_KIND, 'Hanging sink', { url: await silentServer(), timeoutMs: 60_000 });
    const started = Date.now();
    expect(await callOk(h.core, 'channels.test', { targetId: hanging.id })).toEqual({
      ok: false,
      message: 'Hanging sink did not answer within 0.7 seconds. Try again later.',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses to disconnect while deliveries wait, then keeps the history and deletes the secrets', async () => {
    const h = await open();
    const unused = await h.target(SINK_KIND, 'Unused sink');
    expect(await callOk(h.core, 'channels.remove', { targetId: unused.id })).toEqual({
      targetId: unused.id,
      removed: 'deleted',
    });

    const target = await h.target(SINK_KIND, 'Roads sink');
    await h.core.services.secrets.set(`channel.${target.id}.token`, 'sink-token');
    const scheduled = await h.publish([target], { scheduledAt: '2099-01-01T09:00:00+00:00' });
    const second = await h.publish([target], { scheduledAt: '2099-01-02T09:00:00+00:00' });
    const refused = await callError(h.core, 'channels.remove', { targetId: target.id });
    expect(refused).toMatchObject({ code: 'conflict' });
    expect(refused.message).toMatch(/Roads sink cannot be disconnected: 2 deliveries are still waiting/);
    expect(refused.message).toMatch(/Cancel them on the Queue page/);

    for (const p of [scheduled, second]) {
      await callOk(h.core, 'queue.cancel', { deliveryId: p.deliveries[0]?.id ?? '' });
    }
    expect(await callOk(h.core, 'channels.remove', { targetId: target.id })).toEqual({
      targetId: target.id,
      removed: 'disconnected',
    });
    expect((await callOk(h.core, 'channels.list', {})).map((t) => t.id)).not.toContain(target.id);
    expect(await h.core.services.secrets.get(`channel.${target.id}.token`)).toBeUndefined();
    // The queue history keeps the channel's name.
    const detail = await callOk(h.core, 'queue.get', { publicationId: scheduled.id });
    expect(detail.deliveries[0]?.targetName).toBe('Roads sink');
    // Nothing more goes to it: publishing, and a retry, are refused.
    const publish = await callError(h.core, 'queue.publish', { updateId: scheduled.updateId, targetIds: [target.id] });
    expect(publish).toMatchObject({ code: 'not_found', field: 'targetIds' });
    expect(await callError(h.core, 'channels.remove', { targetId: target.id })).toMatchObject({ code: 'not_found' });
    expect(await callError(h.core, 'channels.test', { targetId: target.id })).toMatchObject({ code: 'not_found' });
    const audit = await h.db.all(`SELECT subject_id FROM audit_log WHERE action = 'channel.disconnected'`);
    expect(audit.map((r) => r.subject_id)).toEqual([unused.id, target.id]);
  });

  it('a failed delivery does not hold a disconnect, but it cannot be retried to a disconnected channel', async () => {
    const h = await open();
    const target = await h.target(SINK_KIND, 'Failing sink');
    h.sink.behave(() => ({ kind: 'status', status: 422, body: '{"error":"Bad post"}' }));
    const publication = await h.publish([target]);
    const deliveryId = publication.deliveries[0]?.id ?? '';
    (await h.worker()).start();
    await h.waitFor(deliveryId, 'failed');
    expect(await callOk(h.core, 'channels.remove', { targetId: target.id })).toMatchObject({ removed: 'disconnected' });
    const retry = await callError(h.core, 'queue.retry', { deliveryId });
    expect(retry).toMatchObject({ code: 'conflict' });
    expect(retry.message).toBe('Failing sink was disconnected, so nothing can be sent to it again.');
  });
});
