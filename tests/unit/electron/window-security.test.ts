import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import type { RendererLocation } from '../../../electron/main/app-url.ts';
import { CONTENT_SECURITY_POLICY, withContentSecurityPolicy } from '../../../electron/main/csp.ts';
import { createMainWindow, secureWebPreferences } from '../../../electron/main/window.ts';
import { createFakeElectron, fakeEvent, FakeBrowserWindow, type FakeElectron } from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);

const APP: RendererLocation = { kind: 'file', indexPath: '/opt/town-crier/out/renderer/index.html' };
const APP_URL = 'file:///opt/town-crier/out/renderer/index.html';

let electron: FakeElectron;
let logs: LogRecord[];
let window: FakeBrowserWindow;

function openWindow(location: RendererLocation = APP, platform: NodeJS.Platform = 'linux'): FakeBrowserWindow {
  createMainWindow({
    BrowserWindow: electron.BrowserWindow,
    shell: electron.shell,
    preloadPath: '/opt/town-crier/out/preload/index.cjs',
    location,
    logger: createLogger('test', (r) => logs.push(r)),
    platform,
  });
  const created = FakeBrowserWindow.instances.at(-1);
  if (!created) throw new Error('createMainWindow did not construct a BrowserWindow');
  return created;
}

beforeEach(() => {
  electron = createFakeElectron();
  logs = [];
  window = openWindow();
});

describe('secure web preferences', () => {
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['spellcheck', true],
  ] as const)('sets %s to %s on the window it creates', (key, value) => {
    expect(window.options.webPreferences?.[key]).toBe(value);
    expect(secureWebPreferences('/x.cjs')[key]).toBe(value);
  });

  it('loads only the CommonJS preload it was given', () => {
    expect(window.options.webPreferences?.preload).toBe('/opt/town-crier/out/preload/index.cjs');
  });

  it('stays hidden until the first paint, then shows', () => {
    expect(window.options.show).toBe(false);
    expect(window.calls).not.toContain('show');
    window.emit('ready-to-show');
    expect(window.calls).toContain('show');
  });

  it('spell-checks in British English (except on macOS, which uses the system setting)', () => {
    expect(window.webContents.session.spellCheckerLanguages).toEqual(['en-GB']);
    const mac = openWindow(APP, 'darwin');
    expect(mac.webContents.session.spellCheckerLanguages).toBeUndefined();
  });
});

describe('new windows', () => {
  const open = (url: string) => {
    const handler = window.webContents.windowOpenHandler;
    if (!handler) throw new Error('No window open handler was set');
    return handler({ url });
  };

  it('denies window.open and sends a safe https link to the browser', async () => {
    expect(open('https://www.gov.uk/roadworks')).toEqual({ action: 'deny' });
    expect(electron.shell.opened).toEqual(['https://www.gov.uk/roadworks']);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['http:', 'http://www.gov.uk/'],
    ['file:', 'file:///etc/passwd'],
    ['https with a user name and password', 'https://admin:hunter2@www.gov.uk/'],
    ['https with a user name', 'https://www.gov.uk@evil.example/'],
    ['an IP address', 'https://192.168.0.1/router'],
    ['a single-label host', 'https://intranet/'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['an over-long address', `https://www.gov.uk/${'a'.repeat(2100)}`],
  ])('denies window.open and opens nothing for %s', (_label, url) => {
    expect(open(url)).toEqual({ action: 'deny' });
    expect(electron.shell.opened).toEqual([]);
  });

  it('logs a refused link without its path or query (they can carry tokens)', () => {
    open('http://evil.example/reset?token=abc123');
    const text = JSON.stringify(logs);
    expect(text).toContain('http://evil.example');
    expect(text).not.toContain('abc123');
  });
});

describe('navigation', () => {
  it.each(['will-navigate', 'will-redirect'] as const)('%s to another origin is prevented', (kind) => {
    expect(window.webContents.navigate(kind, 'https://evil.example/phish').defaultPrevented).toBe(true);
  });

  it.each(['will-navigate', 'will-redirect'] as const)('%s to another local file is prevented', (kind) => {
    expect(window.webContents.navigate(kind, 'file:///home/officer/Downloads/evil.html').defaultPrevented).toBe(true);
  });

  it.each(['will-navigate', 'will-redirect'] as const)('%s within the app page is allowed', (kind) => {
    expect(window.webContents.navigate(kind, `${APP_URL}#/updates`).defaultPrevented).toBe(false);
  });

  it('allows the dev server origin only when that is where the app is served from', () => {
    const dev = openWindow({ kind: 'dev-server', url: 'http://localhost:5173/' });
    expect(dev.webContents.navigate('will-navigate', 'http://localhost:5173/#/updates').defaultPrevented).toBe(false);
    expect(dev.webContents.navigate('will-navigate', 'http://localhost:5174/').defaultPrevented).toBe(true);
    expect(window.webContents.navigate('will-navigate', 'http://localhost:5173/').defaultPrevented).toBe(true);
  });

  it('prevents every <webview> from attaching', () => {
    const event = fakeEvent({});
    window.webContents.emit('will-attach-webview', event, {}, { src: 'https://www.gov.uk/' });
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('session', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'])(
    'denies a %s permission request',
    (permission) => {
      const handler = window.webContents.session.permissionRequestHandler;
      if (!handler) throw new Error('No permission request handler was set');
      const answers: boolean[] = [];
      handler(window.webContents, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
    },
  );

  it.each(['media', 'clipboard-sanitized-write', 'hid', 'serial'])(
    'answers a %s permission check with no',
    (permission) => {
      const handler = window.webContents.session.permissionCheckHandler;
      if (!handler) throw new Error('No permission check handler was set');
      expect(handler(window.webContents, permission)).toBe(false);
    },
  );

  it('adds the strict CSP header to the app page, replacing any the server sent', () => {
    const response = window.webContents.session.receiveHeaders({
      url: APP_URL,
      resourceType: 'mainFrame',
      responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['kept'] },
    });
    expect(response.responseHeaders).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      'X-Other': ['kept'],
    });
  });

  it('adds the CSP header to dev-server pages too', () => {
    const dev = openWindow({ kind: 'dev-server', url: 'http://localhost:5173/' });
    const response = dev.webContents.session.receiveHeaders({
      url: 'http://localhost:5173/',
      resourceType: 'mainFrame',
    });
    expect(response.responseHeaders?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('leaves responses from elsewhere untouched', () => {
    const response = window.webContents.session.receiveHeaders({
      url: 'https://www.gov.uk/',
      resourceType: 'mainFrame',
      responseHeaders: { a: ['b'] },
    });
    expect(response).toEqual({});
  });

  it('states the policy the design asks for', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-MMiEIPauhON/MsEdkdc9Fbc5XprBb9WcMAsrBqs+kxI='; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});
