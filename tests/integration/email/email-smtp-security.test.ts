import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChannelContext } from '../../../electron/core/channels/adapter.ts';
import {
  createEmailAdapter,
  EmailSettings,
  sendTestEmail,
  type EmailAdapterOptions,
} from '../../../electron/core/channels/email/email-adapter.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { plainBody } from '../store/store-suite.ts';
import { startSmtpSink, type SinkRules } from '../../support/smtp-sink.ts';
import { emailStores } from './email-store.ts';
import { savedMessages, toAddress } from './email-harness.ts';

/**
 * "Test connection" and "Send a test to me" against smtp-server (in its own
 * process) with STARTTLS, implicit TLS and AUTH: a real self-signed
 * certificate made with openssl, trusted through the adapter's `ca` option.
 */
const stores = emailStores();

function certificate(): { key: string; cert: string } {
  const dir = stores.tempDir();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

function context(settings: EmailSettings, password: string | undefined): ChannelContext<EmailSettings> {
  return {
    target: { id: 't1', name: 'Email' },
    settings,
    credentials: async (name) => (name === 'password' ? password : undefined),
    fetch,
    logger: createLogger('test', () => undefined),
    now: () => new Date(),
    signal: new AbortController().signal,
  };
}

const source = {
  updateId: 'u1',
  revision: 1,
  contentHash: 'h',
  title: 'Flood warning',
  summary: 'River levels are high.',
  body: plainBody('Avoid the riverside path.'),
  bodyHtml: '',
  bodyText: '',
  channels: ['email' as const],
  variants: {},
};

describe('SMTP security and the test buttons', () => {
  const tls = certificate();
  const settingsFor = (port: number, extra: Record<string, unknown> = {}) =>
    EmailSettings.parse({
      host: 'localhost',
      port,
      security: 'starttls',
      user: 'town-crier',
      fromName: 'Example Council',
      fromAddress: 'alerts@example.gov.uk',
      listIds: ['l1'],
      ...extra,
    });
  const withSink = async (rules: SinkRules, run: (port: number, saveDir: string) => Promise<void>) => {
    const saveDir = join(stores.tempDir(), 'mail');
    const sink = await startSmtpSink({ saveDir, ...rules });
    try {
      await run(sink.port, saveDir);
      return await sink.stats();
    } finally {
      await sink.stop();
    }
  };
  const trust: EmailAdapterOptions = { ca: tls.cert };

  it(
    'STARTTLS and AUTH: Test connection succeeds and "send a test to me" arrives over TLS',
    { timeout: 60_000 },
    async () => {
      const stats = await withSink({ tls, auth: { user: 'town-crier', pass: 's3cret' } }, async (port, saveDir) => {
        const adapter = createEmailAdapter(trust);
        const check = await adapter.test(context(settingsFor(port), 's3cret'));
        expect(check).toEqual({ ok: true, account: `town-crier at localhost:${port}` });
        const sent = await sendTestEmail(settingsFor(port), 's3cret', 'officer@example.gov.uk', source, trust);
        expect(sent).toMatchObject({ ok: true, reply: expect.stringMatching(/^250 /) });
        const [mail] = await savedMessages(saveDir);
        expect(mail && toAddress(mail)).toBe('officer@example.gov.uk');
        expect(mail?.subject).toBe('[Test] Flood warning');
        expect(mail?.text).toContain('Avoid the riverside path.');
      });
      expect(stats).toMatchObject({ accepted: 1, overTls: 1, authenticatedAs: 'town-crier' });
    },
  );

  it('a wrong password is refused with the relay answer, and nothing is sent', { timeout: 60_000 }, async () => {
    const stats = await withSink({ tls, auth: { user: 'town-crier', pass: 's3cret' } }, async (port) => {
      const check = await createEmailAdapter(trust).test(context(settingsFor(port), 'wrong'));
      expect(check).toEqual({
        ok: false,
        message: expect.stringMatching(/^The relay refused the user name or password: 535 /),
      });
      const sent = await sendTestEmail(settingsFor(port), 'wrong', 'officer@example.gov.uk', source, trust);
      expect(sent).toMatchObject({ ok: false, message: expect.stringContaining('535') });
    });
    expect(stats.accepted).toBe(0);
  });

  it('refuses to send in clear when STARTTLS is set and the relay does not offer it', { timeout: 60_000 }, async () => {
    await withSink({}, async (port) => {
      const check = await createEmailAdapter().test(context(settingsFor(port, { user: undefined }), undefined));
      expect(check).toEqual({
        ok: false,
        message:
          'The relay does not offer STARTTLS, and the channel is set to use it: Town Crier will not send in clear',
      });
    });
  });

  it('refuses a certificate it cannot verify, and accepts implicit TLS it can', { timeout: 60_000 }, async () => {
    await withSink({ tls }, async (port) => {
      const check = await createEmailAdapter().test(context(settingsFor(port, { user: undefined }), undefined));
      expect(check.ok).toBe(false);
      expect(check.ok ? '' : check.message).toMatch(
        /^The relay's TLS certificate or handshake failed \(self[- ]signed certificate/,
      );
    });
    const stats = await withSink({ tls, secure: true }, async (port) => {
      const settings = settingsFor(port, { user: undefined, security: 'tls' });
      expect(await createEmailAdapter(trust).test(context(settings, undefined))).toMatchObject({ ok: true });
      expect(await sendTestEmail(settings, undefined, 'a@example.org', source, trust)).toMatchObject({ ok: true });
    });
    expect(stats).toMatchObject({ accepted: 1, overTls: 1 });
  });
});
