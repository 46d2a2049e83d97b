import { existsSync } from 'node:fs';
import { signedIn } from '../../support/people.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogRecord } from '../../../electron/core/logging/logger.ts';
import { SQLITE_FILE_NAME } from '../../../electron/core/store/open-store.ts';
import { resolveDesktopPaths, startDesktop, type DesktopRun } from '../../../electron/main/boot.ts';
import { IPC_INVOKE } from '../../../shared/contract.ts';
import {
  createFakeElectron,
  fakeElectron,
  fakeEvent,
  FakeBrowserWindow,
  type FakeElectron,
} from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);
vi.mock('electron-store', async () => ({
  default: (await import('../../support/conf-electron-store.ts')).ConfElectronStore,
}));

const MAIN_DIR = resolve('/opt/town-crier/out/main');
const INDEX_URL = pathToFileURL('/opt/town-crier/out/renderer/index.html').href;

let electron: FakeElectron;
let userData: string;
let logs: LogRecord[];
let runs: DesktopRun[];

/** Starts the app; the queue worker runs on the main thread unless `worker` says otherwise (a thread takes seconds to load). */
async function start(
  argv: string[] = ['town-crier'],
  env: Record<string, string | undefined> = {},
  worker: { workerInProcess?: boolean; workerThreadEntry?: string | URL } = { workerInProcess: true },
) {
  const run = await startDesktop(electron, {
    argv,
    env,
    mainDir: MAIN_DIR,
    platform: 'linux',
    logSink: (r) => logs.push(r),
    ...worker,
  });
  runs.push(run);
  return run;
}

function running(run: DesktopRun) {
  if (run.status !== 'running') throw new Error(`Expected the app to start, got ${JSON.stringify(run)}`);
  return run;
}

function onlyWindow(): FakeBrowserWindow {
  expect(FakeBrowserWindow.instances).toHaveLength(1);
  const window = FakeBrowserWindow.instances[0];
  if (!window) throw new Error('no window');
  return window;
}

/** Quits as Electron would: will-quit, which the app holds until the store has closed. */
async function quit() {
  const before = electron.app.quitCalls;
  const event = fakeEvent({});
  electron.app.emit('will-quit', event);
  await vi.waitFor(() => expect(electron.app.quitCalls).toBe(before + 1), { timeout: 30_000 });
  return event;
}

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'tc-desktop-'));
  electron = createFakeElectron(userData);
  fakeElectron.ipcMain.handlers.clear();
  logs = [];
  runs = [];
});

afterEach(async () => {
  for (const run of runs) if (run.status === 'running') await run.core.close();
  await rm(userData, { recursive: true, force: true });
});

describe('single instance', () => {
  it('quits a second instance at once, before opening anything', async () => {
    electron.app.gotLock = false;
    const run = await start();
    expect(run).toEqual({ status: 'second-instance' });
    expect(electron.app.quitCalls).toBe(1);
    expect(FakeBrowserWindow.instances).toEqual([]);
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
    expect(existsSync(join(userData, SQLITE_FILE_NAME))).toBe(false);
  });

  it('brings the existing window forward (restoring it) when a second instance starts', async () => {
    running(await start());
    const window = onlyWindow();
    window.minimized = true;
    window.calls.length = 0;
    electron.app.emit('second-instance', fakeEvent({}), ['town-crier'], '/');
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
  });

  it('index.ts quits when it does not get the lock', async () => {
    fakeElectron.app.gotLock = false;
    await import('../../../electron/main/index.ts');
    await vi.waitFor(() => expect(fakeElectron.app.quitCalls).toBe(1));
    expect(fakeElectron.app.sandboxEnabled).toBe(true);
    expect(fakeElectron.app.lockRequested).toBe(true);
  });
});

describe('start-up', () => {
  it('enables the sandbox for every renderer, before the app is ready', async () => {
    await start();
    expect(electron.app.sandboxEnabled).toBe(true);
    expect(electron.app.readyBeforeSandbox).toBe(false);
  });

  it('opens SQLite in userData, registers IPC, creates the window and loads the built renderer', async () => {
    const run = running(await start());
    expect(run.paths).toEqual({ dataDir: userData, databaseUrl: undefined });
    expect(existsSync(join(userData, SQLITE_FILE_NAME))).toBe(true);
    const window = onlyWindow();
    expect(window.options.webPreferences?.preload).toBe(resolve(MAIN_DIR, '../preload/index.cjs'));
    expect(window.loaded).toEqual([INDEX_URL]);
    expect([...fakeElectron.ipcMain.handlers.keys()]).toEqual([IPC_INVOKE]);
    expect(electron.Menu.applicationMenu).toBeDefined();
  });

  it('answers a call from its own window through IPC with the real core', async () => {
    running(await start());
    const window = onlyWindow();
    const result = await fakeElectron.ipcMain.invoke(IPC_INVOKE, window.invokeEventFromMainFrame(), {
      method: 'app.info',
      input: {},
    });
    expect(result).toMatchObject({ ok: true, value: { name: 'Town Crier', storage: { engine: 'sqlite' } } });
  });

  it('refuses a call once the window shows something other than the app', async () => {
    running(await start());
    const window = onlyWindow();
    window.webContents.mainFrame.url = 'https://evil.example/';
    const result = await fakeElectron.ipcMain.invoke(IPC_INVOKE, window.invokeEventFromMainFrame(), {
      method: 'app.info',
    });
    expect(result.ok ? undefined : result.error.code).toBe('forbidden');
  });

  it('forwards core events to the window', async () => {
    const run = running(await start());
    await (await signedIn(run.core)).call('updates.create', { title: 'Road closed' });
    expect(
      onlyWindow().webContents.sent.map(([channel, event]) => [channel, (event as { name: string }).name]),
    ).toEqual([['crier:event', 'update.changed']]);
  });

  it('loads the dev server when unpackaged and ELECTRON_RENDERER_URL is set', async () => {
    await start(['electron', '.'], { ELECTRON_RENDERER_URL: 'http://localhost:5173' });
    expect(onlyWindow().loaded).toEqual(['http://localhost:5173/']);
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app', async () => {
    electron.app.isPackaged = true;
    await start(['town-crier'], { ELECTRON_RENDERER_URL: 'http://localhost:5173' });
    expect(onlyWindow().loaded).toEqual([INDEX_URL]);
  });

  it('File → New update asks the renderer to start an update, without reloading the page', async () => {
    running(await start());
    const template = electron.Menu.applicationMenu?.template ?? [];
    const file = template.find((m) => m.label === '&File')?.submenu;
    const newUpdate = Array.isArray(file) ? file.find((i) => i.id === 'new-update') : undefined;
    (newUpdate?.click as (() => void) | undefined)?.();
    const window = onlyWindow();
    expect(window.webContents.sent).toContainEqual([
      'crier:event',
      { name: 'app.command', payload: { command: 'new-update' } },
    ]);
    expect(window.loaded).toHaveLength(1);
  });

  it('shows a dialog and quits when the store cannot open', async () => {
    const run = await start(['town-crier', '--database', 'mysql://u:hunter2@db.example/x']);
    expect(run.status).toBe('failed');
    expect(electron.dialog.errorBoxes).toHaveLength(1);
    expect(electron.dialog.errorBoxes[0]?.content).toMatch(/postgres:\/\//);
    expect(electron.app.quitCalls).toBe(1);
    expect(FakeBrowserWindow.instances).toEqual([]);
    expect(JSON.stringify(logs)).not.toContain('hunter2');
  });

  it('warns at start-up when secrets cannot be stored on this computer', async () => {
    electron.safeStorage.backend = 'basic_text';
    running(await start());
    expect(logs.map((r) => r.message)).toContain('Secrets cannot be saved on this computer');
  });
});

describe('shutdown', () => {
  it('holds the quit until the store is closed, then quits and stops answering IPC', async () => {
    const run = running(await start());
    const core = await signedIn(run.core);
    const event = await quit();
    expect(event.defaultPrevented).toBe(true);
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
    await expect(core.call('updates.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('runs the queue worker while open and stops it before the store closes', async () => {
    const run = running(await start());
    const core = await signedIn(run.core);
    await expect(core.call('app.status', {})).resolves.toEqual({
      ok: true,
      value: { worker: { state: 'running', sending: 0 } },
    });
    await quit();
    expect(logs.map((r) => r.message)).toEqual(
      expect.arrayContaining(['Queue worker started', 'Queue worker stopped']),
    );
    // After the quit the store is closed, so even a signed-in call is refused (the worker's stop is logged above).
    await expect(run.core.call('app.status', {}, { session: core.session })).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('runs the worker in a thread by default, from worker-thread.js beside the main bundle', async () => {
    const run = running(await start(['town-crier'], {}, {}));
    // MAIN_DIR is not a real build: the thread cannot load, which the app logs plainly and retries after a pause.
    await vi.waitFor(
      () =>
        expect(logs).toContainEqual(
          expect.objectContaining({
            level: 'error',
            message:
              'The queue worker thread stopped unexpectedly; its claims will be picked up again when their leases expire',
          }),
        ),
      { timeout: 20_000 },
    );
    const failed = logs.find((r) => r.message === 'The queue worker thread failed');
    expect(JSON.stringify(failed?.data)).toContain(join(MAIN_DIR, 'worker-thread.js'));
    const core = await signedIn(run.core);
    await expect(core.call('app.status', {})).resolves.toEqual({
      ok: true,
      value: { worker: { state: 'stopped', sending: 0 } },
    });
    await quit();
  });

  it('runs the worker thread from the given entry, and stops it on quit', { timeout: 60_000 }, async () => {
    const entry = new URL('../../../electron/hosts/worker-thread.ts', import.meta.url);
    const run = running(await start(['town-crier'], {}, { workerThreadEntry: entry }));
    const core = await signedIn(run.core);
    await vi.waitFor(() => expect(run.core.services.workerThread?.readyCount()).toBe(1), { timeout: 40_000 });
    await expect(core.call('app.status', {})).resolves.toEqual({
      ok: true,
      value: { worker: { state: 'running', sending: 0 } },
    });
    const thread = run.core.services.workerThread?.thread();
    const exited = new Promise<number>((done) => thread?.once('exit', done));
    await quit();
    expect(await exited).toBe(0);
    // The worker's own log lines, from the thread, reach the app's log.
    expect(logs).toContainEqual(
      expect.objectContaining({ area: 'desktop.core.worker.thread.queue', message: 'Queue worker stopped' }),
    );
  });

  it('lets the second will-quit through', async () => {
    running(await start());
    await quit();
    const again = fakeEvent({});
    electron.app.emit('will-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it('quits when the window is closed', async () => {
    running(await start());
    electron.app.emit('window-all-closed');
    expect(electron.app.quitCalls).toBe(1);
  });
});

describe('data paths', () => {
  const userDir = '/home/officer/.config/Town Crier';

  it('defaults to userData', () => {
    expect(resolveDesktopPaths(['tc'], {}, userDir)).toEqual({ dataDir: userDir, databaseUrl: undefined });
  });

  it.each([
    [['tc', '--data', '/srv/tc'], {}],
    [['tc', '--data=/srv/tc'], {}],
    [['tc'], { TOWN_CRIER_DATA: '/srv/tc' }],
    [['tc', '--data', '/srv/tc'], { TOWN_CRIER_DATA: '/elsewhere' }],
    [['electron', '.', '--inspect=9229', '--data', '/srv/tc', '--no-sandbox-please'], {}],
  ])('takes the data folder from %j / %j', (argv, env) => {
    expect(resolveDesktopPaths(argv, env, userDir).dataDir).toBe(resolve('/srv/tc'));
  });

  it('takes the team database from --database, else TOWN_CRIER_DATABASE_URL', () => {
    const url = 'postgres://crier@db.council.internal/crier';
    expect(resolveDesktopPaths(['tc', '--database', url], {}, userDir).databaseUrl).toBe(url);
    expect(resolveDesktopPaths(['tc'], { TOWN_CRIER_DATABASE_URL: url }, userDir).databaseUrl).toBe(url);
    expect(resolveDesktopPaths(['tc'], { TOWN_CRIER_DATABASE_URL: '' }, userDir).databaseUrl).toBeUndefined();
  });

  it('puts SQLite, settings and secrets in the --data folder', async () => {
    const dataDir = join(userData, 'profile');
    const run = running(await start(['town-crier', '--data', dataDir]));
    const core = await signedIn(run.core);
    expect((await core.call('settings.update', { organisationName: 'Borsetshire' })).ok).toBe(true);
    expect((await core.call('secrets.set', { name: 'x.token', value: 'abc' })).ok).toBe(true);
    expect(existsSync(join(dataDir, SQLITE_FILE_NAME))).toBe(true);
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'desktop-secrets.json'))).toBe(true);
  });
});
