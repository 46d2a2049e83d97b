import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import {
  describeUrl,
  isAppPageUrl,
  isAppResourceUrl,
  rendererPageUrl,
  resolveRendererLocation,
  type RendererLocation,
} from '../../../electron/main/app-url.ts';
import { isSafeExternalUrl, openExternalIfSafe, safeExternalUrl } from '../../../electron/main/external-url.ts';

describe('safe external links', () => {
  it.each([
    'https://www.gov.uk/',
    'https://example.org/path?q=1#frag',
    'https://xn--bcher-kva.example/',
    'https://sub.council.gov.uk:8443/a',
  ])('accepts %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['http:', 'http://www.gov.uk/'],
    ['file:', 'file:///C:/Windows/System32/calc.exe'],
    ['ms-settings:', 'ms-settings:privacy'],
    ['a user name and password', 'https://user:pass@www.gov.uk/'],
    ['a user name only', 'https://user@www.gov.uk/'],
    ['IPv4', 'https://10.0.0.1/'],
    ['IPv6', 'https://[::1]/'],
    ['a single label', 'https://localhost/'],
    ['an empty label', 'https://www..gov.uk/'],
    ['a label starting with a hyphen', 'https://-bad.gov.uk/'],
    ['whitespace', 'https://www.gov.uk/a b'],
    ['a newline', 'https://www.gov.uk/\nhttps://evil.example'],
    ['non-ASCII', 'https://www.gov.uk/ünïcode'],
    ['2,049 characters', `https://www.gov.uk/${'a'.repeat(2049 - 'https://www.gov.uk/'.length)}`],
    ['garbage', 'not a url'],
    ['the empty string', ''],
  ])('refuses %s', (_label, url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });

  it('accepts exactly 2,048 characters', () => {
    const url = `https://www.gov.uk/${'a'.repeat(2048 - 'https://www.gov.uk/'.length)}`;
    expect(url).toHaveLength(2048);
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it.each([undefined, null, 42, { href: 'https://www.gov.uk/' }])('refuses a non-string (%s)', (value) => {
    expect(isSafeExternalUrl(value)).toBe(false);
  });

  it('normalises what it opens (host lower-cased, path resolved)', () => {
    expect(safeExternalUrl('https://WWW.GOV.UK/a/../b')).toBe('https://www.gov.uk/b');
  });

  it('opens only safe links and logs refusals', async () => {
    const opened: string[] = [];
    const logs: LogRecord[] = [];
    const shell = { openExternal: async (url: string) => void opened.push(url) };
    const logger = createLogger('test', (r) => logs.push(r));
    expect(openExternalIfSafe(shell, 'https://www.gov.uk/', logger)).toBe(true);
    expect(openExternalIfSafe(shell, 'http://www.gov.uk/', logger)).toBe(false);
    expect(opened).toEqual(['https://www.gov.uk/']);
    expect(logs.map((r) => r.message)).toEqual(['Refused to open a link outside the app']);
  });

  it('logs (without the URL) when the browser fails to open a link', async () => {
    const logs: LogRecord[] = [];
    const shell = {
      openExternal: async () => Promise.reject(new Error('failed: https://www.gov.uk/?token=t0ps3cret')),
    };
    openExternalIfSafe(
      shell,
      'https://www.gov.uk/?token=t0ps3cret',
      createLogger('test', (r) => logs.push(r)),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(logs.map((r) => r.message)).toEqual(['The browser could not open a link']);
    expect(JSON.stringify(logs)).not.toContain('t0ps3cret');
  });
});

describe('app URLs', () => {
  const file: RendererLocation = { kind: 'file', indexPath: '/opt/tc/out/renderer/index.html' };
  const dev: RendererLocation = { kind: 'dev-server', url: 'http://localhost:5173/' };

  it.each([
    ['file:///opt/tc/out/renderer/index.html', true],
    ['file:///opt/tc/out/renderer/index.html#/updates/1', true],
    ['file:///opt/tc/out/renderer/index.html?x=1', true],
    ['file:///opt/tc/out/renderer/../renderer/index.html', true],
    ['file:///opt/tc/out/renderer/other.html', false],
    ['file:///opt/tc/out/renderer/index.html.evil', false],
    ['file://evil-host/opt/tc/out/renderer/index.html', false],
    ['file:///opt/tc/out/renderer%2Findex.html', false],
    ['https://opt/tc/out/renderer/index.html', false],
    ['not a url', false],
  ])('file page %s → %s', (url, expected) => {
    expect(isAppPageUrl(url, file)).toBe(expected);
  });

  it.each([
    ['http://localhost:5173/', true],
    ['http://localhost:5173/#/updates', true],
    ['http://localhost:5174/', false],
    ['http://127.0.0.1:5173/', false],
    ['https://localhost:5173/', false],
  ])('dev page %s → %s', (url, expected) => {
    expect(isAppPageUrl(url, dev)).toBe(expected);
  });

  it('treats files under the renderer folder as app resources, and nothing outside it', () => {
    expect(isAppResourceUrl('file:///opt/tc/out/renderer/assets/index.js', file)).toBe(true);
    expect(isAppResourceUrl('file:///opt/tc/out/renderer-evil/index.html', file)).toBe(false);
    expect(isAppResourceUrl('file:///opt/tc/out/main/index.js', file)).toBe(false);
    expect(isAppResourceUrl('file:///opt/tc/out/renderer', file)).toBe(false);
  });

  it('uses the dev server only when unpackaged, and only on loopback http', () => {
    const base = { devServerUrl: 'http://localhost:5173', rendererDir: '/opt/tc/out/renderer' };
    expect(resolveRendererLocation({ ...base, isPackaged: false })).toEqual({
      kind: 'dev-server',
      url: 'http://localhost:5173/',
    });
    expect(resolveRendererLocation({ ...base, isPackaged: true })).toEqual(file);
    expect(() =>
      resolveRendererLocation({ ...base, isPackaged: false, devServerUrl: 'https://evil.example/' }),
    ).toThrow(/localhost/);
    expect(() =>
      resolveRendererLocation({ ...base, isPackaged: false, devServerUrl: 'http://192.168.1.5:5173/' }),
    ).toThrow(/localhost/);
  });

  it('builds page URLs with a hash route', () => {
    expect(rendererPageUrl(file, '/updates')).toBe('file:///opt/tc/out/renderer/index.html#/updates');
    expect(rendererPageUrl(dev)).toBe('http://localhost:5173/');
  });

  it('describes URLs for logs by scheme and host only', () => {
    expect(describeUrl('https://user:pw@example.org/a?token=x')).toBe('https://example.org');
    expect(describeUrl('javascript:alert(1)')).toBe('javascript:');
    expect(describeUrl(undefined)).toBe('an unreadable address');
  });
});
