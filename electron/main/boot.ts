import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, type Core } from '../core/app.ts';
import { BUILT_IN_CHANNEL_ADAPTERS, createChannelRegistry } from '../core/channels/registry.ts';
import { createLogger, redact, stderrSink, type LogSink } from '../core/logging/logger.ts';
import { openStore } from '../core/store/open-store.ts';
import { rendererPageUrl, resolveRendererLocation, type RendererLocation } from './app-url.ts';
import { openExternalIfSafe, type ExternalOpener } from './external-url.ts';
import { createSenderCheck, forwardEvents, registerDesktopIpc, sendAppCommand } from './ipc.ts';
import { DOCUMENTATION_URL, installMenu, type MenuApi } from './menu.ts';
import { startDeliveryNotifications, type NotificationConstructor } from './notifications.ts';
import { createDesktopSecretStore, secretStorageProblem, type SafeStorageLike } from './secrets.ts';
import { openElectronSettingsStore } from './settings.ts';
import { createMainWindow, type WindowConstructor, type WindowLike } from './window.ts';

/** What start-up needs from Electron's `app`. */
export interface AppLike {
  readonly isPackaged: boolean;
  enableSandbox(): void;
  requestSingleInstanceLock(): boolean;
  getPath(name: 'userData'): string;
  whenReady(): Promise<void>;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
}

export interface DialogLike {
  showErrorBox(title: string, content: string): void;
}

/**
 * The Electron modules the desktop shell uses; index.ts passes the real ones,
 * tests a fake. ipcMain is not here: only ipc.ts may touch it.
 */
export type DesktopElectron = {
  app: AppLike;
  BrowserWindow: WindowConstructor;
  dialog: DialogLike;
  Menu: MenuApi<unknown>;
  safeStorage: SafeStorageLike;
  shell: ExternalOpener;
  Notification: NotificationConstructor;
};

export type DesktopOptions = {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The folder of the built main bundle (out/main); out/preload and out/renderer sit beside it. */
  mainDir: string;
  platform: NodeJS.Platform;
  logSink?: LogSink;
  /**
   * The queue worker's thread entry: by default `worker-thread.js` beside the
   * main bundle (electron.vite.config.ts builds it); tests pass the source file.
   */
  workerThreadEntry?: string | URL;
  /** Run the queue worker on the main thread instead of a worker thread. */
  workerInProcess?: boolean;
};

/** The worker thread's bundle in out/main (a second input of the main build). */
export const WORKER_THREAD_BUNDLE = 'worker-thread.js';

export type DesktopPaths = {
  /** SQLite file, settings and secrets: `--data <dir>`, else TOWN_CRIER_DATA, else Electron's userData. */
  dataDir: string;
  /** Team mode: `--database postgres://…`, else TOWN_CRIER_DATABASE_URL. */
  databaseUrl: string | undefined;
};

export type DesktopRun =
  | { status: 'second-instance' }
  | { status: 'failed'; message: string }
  | {
      status: 'running';
      core: Core;
      paths: DesktopPaths;
      location: RendererLocation;
      getWindow: () => WindowLike | undefined;
    };

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * Where the data lives, from the command line first, then the environment,
 * then Electron's per-user folder. Unknown switches (Chromium's, the dev
 * runner's) are ignored rather than fatal.
 */
export function resolveDesktopPaths(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  userDataDir: string,
): DesktopPaths {
  const { values } = parseArgs({
    args: argv.slice(1),
    options: { data: { type: 'string' }, database: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const dataDir = nonEmpty(values.data) ?? nonEmpty(env.TOWN_CRIER_DATA);
  return {
    dataDir: dataDir === undefined ? userDataDir : resolve(dataDir),
    databaseUrl: nonEmpty(values.database) ?? nonEmpty(env.TOWN_CRIER_DATABASE_URL),
  };
}

/** Brings a window to the front, un-minimising it first. */
export function focusWindow(window: WindowLike | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/**
 * Starts the desktop app: sandbox everything, keep to one instance, open the
 * store and the core, register IPC, then create the window and load the
 * renderer. Failures are shown in a dialog and end the app; the promise never
 * rejects. The synchronous part (sandbox, instance lock) runs before the
 * first await, so it happens before Electron's ready event.
 */
export async function startDesktop(electron: DesktopElectron, options: DesktopOptions): Promise<DesktopRun> {
  const { app } = electron;
  const logger = createLogger('desktop', options.logSink ?? stderrSink('info'));
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    // The running instance receives 'second-instance' and comes to the front; this one leaves.
    logger.info('Town Crier is already running; focusing that window instead');
    app.quit();
    return { status: 'second-instance' };
  }

  let window: WindowLike | undefined;
  app.on('second-instance', () => focusWindow(window));
  app.on('window-all-closed', () => app.quit());

  try {
    const paths = resolveDesktopPaths(options.argv, options.env, app.getPath('userData'));
    const location = resolveRendererLocation({
      isPackaged: app.isPackaged,
      devServerUrl: options.env.ELECTRON_RENDERER_URL,
      rendererDir: join(options.mainDir, '..', 'renderer'),
    });
    await app.whenReady();

    const secretsProblem = secretStorageProblem(electron.safeStorage, options.platform);
    if (secretsProblem !== undefined)
      logger.warn('Secrets cannot be saved on this computer', { reason: secretsProblem });
    const settings = openElectronSettingsStore(paths.dataDir);
    const secrets = createDesktopSecretStore({
      safeStorage: electron.safeStorage,
      dataDir: paths.dataDir,
      platform: options.platform,
    });
    const db = await openStore({ dataDir: paths.dataDir, databaseUrl: paths.databaseUrl });
    // The desktop app publishes while it is open: the same worker as `npm run worker`, in a worker thread so a
    // large send does not compete with IPC; its secret reads are answered here, where safeStorage works.
    const running = createCore({
      db,
      settings,
      secrets,
      logger: logger.child('core'),
      channels: createChannelRegistry(BUILT_IN_CHANNEL_ADAPTERS),
      ...(options.workerInProcess
        ? { worker: {} }
        : {
            workerThread: {
              entry: options.workerThreadEntry ?? join(options.mainDir, WORKER_THREAD_BUNDLE),
              store: { dataDir: paths.dataDir, databaseUrl: paths.databaseUrl },
            },
          }),
      crossProcessEvents: true,
    });
    logger.info('Store opened', { engine: db.engine, location: db.location });

    const unregisterIpc = registerDesktopIpc({
      core: running,
      isTrustedSender: createSenderCheck({
        getContents: () => (window && !window.isDestroyed() ? window.webContents : undefined),
        location,
      }),
      logger: logger.child('ipc'),
    });

    let closing = false;
    app.on('will-quit', (event) => {
      if (closing) return;
      // Hold the quit until the worker's sends in flight have finished and the store has closed cleanly.
      closing = true;
      event.preventDefault();
      unregisterIpc();
      running
        .close()
        .catch((error: unknown) => logger.error('Closing the store failed', { error }))
        .finally(() => app.quit());
    });

    const created = createMainWindow({
      BrowserWindow: electron.BrowserWindow,
      shell: electron.shell,
      preloadPath: join(options.mainDir, '..', 'preload', 'index.cjs'),
      location,
      logger: logger.child('window'),
      platform: options.platform,
    });
    window = created;
    const stopEvents = forwardEvents(running, created.webContents);
    // A system notification when a delivery needs a person; a click opens its publication in the window.
    const stopNotifications = startDeliveryNotifications({
      subscribe: (listener) => running.subscribe(listener),
      describe: (deliveryId) => running.services.deliveries.describe(deliveryId),
      Notification: electron.Notification,
      onOpen: (publicationId) => {
        if (!window || window.isDestroyed()) return;
        focusWindow(window);
        sendAppCommand(window.webContents, { command: 'open-publication', publicationId });
      },
      logger: logger.child('notifications'),
    });
    created.on('closed', () => {
      stopEvents();
      stopNotifications();
      if (window === created) window = undefined;
    });

    installMenu(electron.Menu, {
      platform: options.platform,
      isDev: !app.isPackaged,
      documentationUrl: DOCUMENTATION_URL,
      onNewUpdate: () => {
        if (!window || window.isDestroyed()) return;
        focusWindow(window);
        sendAppCommand(window.webContents, { command: 'new-update' });
      },
      openExternal: (url) => openExternalIfSafe(electron.shell, url, logger),
    });

    await created.loadURL(rendererPageUrl(location));
    return { status: 'running', core: running, paths, location, getWindow: () => window };
  } catch (error) {
    const message = error instanceof Error ? String(redact(error.message)) : 'An unknown error stopped start-up.';
    logger.error('Town Crier could not start', { error });
    electron.dialog.showErrorBox('Town Crier could not start', message);
    // Quitting runs the will-quit handler, which closes the store if start-up got as far as registering it.
    app.quit();
    return { status: 'failed', message };
  }
}
