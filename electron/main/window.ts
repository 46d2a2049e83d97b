import type {
  BrowserWindowConstructorOptions,
  HeadersReceivedResponse,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';
import type { Logger } from '../core/logging/logger.ts';
import { describeUrl, isAppPageUrl, isAppResourceUrl, type RendererLocation } from './app-url.ts';
import { withContentSecurityPolicy } from './csp.ts';
import { openExternalIfSafe, type ExternalOpener } from './external-url.ts';

/*
 * The narrow slices of Electron this file uses. The real objects satisfy them
 * (index.ts passes the real module, so tsc checks that against electron.d.ts),
 * and the unit tests' fake implements them.
 */

/** A frame as IPC and navigation see it (Electron's WebFrameMain). */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
  readonly processId: number;
  readonly routingId: number;
}

export type NavigationEventLike = { readonly url: string; preventDefault(): void };

export type HeadersDetailsLike = {
  readonly url: string;
  readonly resourceType: string;
  readonly responseHeaders?: Record<string, string[]>;
};

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setSpellCheckerLanguages(languages: string[]): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (details: HeadersDetailsLike, callback: (response: HeadersReceivedResponse) => void) => void,
    ): void;
  };
}

export interface WebContentsLike {
  readonly id: number;
  readonly session: SessionLike;
  readonly mainFrame: FrameLike;
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenHandlerResponse): void;
  on(event: 'will-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export type WindowConstructor = new (options: BrowserWindowConstructorOptions) => WindowLike;

/**
 * The renderer's web preferences, every one chosen for isolation: no Node in
 * any frame or worker, context isolation and the Chromium sandbox on, web
 * security on, no mixed content, no <webview>, and only our preload.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/** The spell-check language: British English, as the council writes. */
export const SPELLCHECK_LANGUAGES = ['en-GB'];

/**
 * Locks down a session: every permission (camera, notifications, clipboard
 * read, …) is refused, and the app's own documents get our CSP header.
 */
export function hardenSession(
  session: SessionLike,
  opts: { location: RendererLocation; logger: Logger; platform: NodeJS.Platform },
): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    opts.logger.warn('Refused a permission request', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (isDocument && isAppResourceUrl(details.url, opts.location)) {
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
    } else {
      callback({});
    }
  });
  // macOS uses the system spell checker and its language settings; elsewhere Chromium needs telling.
  if (opts.platform !== 'darwin') session.setSpellCheckerLanguages(SPELLCHECK_LANGUAGES);
}

/**
 * Keeps a window on our own page: new windows are always denied (safe https
 * links go to the user's browser instead), navigations and redirects away from
 * the app are cancelled, and <webview> tags can never attach.
 */
export function hardenWebContents(
  contents: WebContentsLike,
  opts: { location: RendererLocation; shell: ExternalOpener; logger: Logger },
): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfSafe(opts.shell, url, opts.logger);
    return { action: 'deny' };
  });
  const stayOnApp = (kind: string) => (event: NavigationEventLike) => {
    if (isAppPageUrl(event.url, opts.location)) return;
    event.preventDefault();
    opts.logger.warn('Blocked a navigation away from the app', { kind, to: describeUrl(event.url) });
  };
  contents.on('will-navigate', stayOnApp('navigate'));
  contents.on('will-redirect', stayOnApp('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    opts.logger.warn('Blocked a <webview>');
  });
}

export type MainWindowDeps = {
  BrowserWindow: WindowConstructor;
  shell: ExternalOpener;
  preloadPath: string;
  location: RendererLocation;
  logger: Logger;
  platform: NodeJS.Platform;
};

/**
 * Creates the one app window, hardened before anything loads; it shows itself
 * once the first paint is ready so the user never sees a blank frame. The
 * caller loads the renderer (after registering IPC).
 */
export function createMainWindow(deps: MainWindowDeps): WindowLike {
  const window = new deps.BrowserWindow({
    title: 'Town Crier',
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 560,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(deps.preloadPath),
  });
  hardenSession(window.webContents.session, { location: deps.location, logger: deps.logger, platform: deps.platform });
  hardenWebContents(window.webContents, { location: deps.location, shell: deps.shell, logger: deps.logger });
  window.once('ready-to-show', () => window.show());
  return window;
}
