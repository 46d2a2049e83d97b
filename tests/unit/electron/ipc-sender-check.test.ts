import { mkdtemp, rm } from 'node:fs/promises';
import { signedIn } from '../../support/people.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { migrate } from '../../../electron/core/store/migrations.ts';
import { openSqlite } from '../../../electron/core/store/sqlite.ts';
import type { RendererLocation } from '../../../electron/main/app-url.ts';
import {
  createSenderCheck,
  forwardEvents,
  registerDesktopIpc,
  registerIpc,
  type InvokeEventLike,
} from '../../../electron/main/ipc.ts';
import { createDesktopSecretStore } from '../../../electron/main/secrets.ts';
import { IPC_EVENT, IPC_INVOKE, type CoreEvent } from '../../../shared/contract.ts';
import type { Result } from '../../../shared/domain/errors.ts';
import {
  createFakeElectron,
  fakeElectron,
  FakeFrame,
  FakeSafeStorage,
  FakeWebContents,
  type FakeBrowserWindow,
  type FakeIpcMain,
} from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);

const APP: RendererLocation = { kind: 'file', indexPath: '/opt/tc/out/renderer/index.html' };
const APP_URL = 'file:///opt/tc/out/renderer/index.html#/updates';

/** A fake core that records whether it was reached. */
function recordingCore(result: Result<unknown> = { ok: true, value: { hello: 'world' } }) {
  const calls: { method: string; input: unknown }[] = [];
  return {
    calls,
    call: async (method: string, input: unknown) => {
      calls.push({ method, input });
      return result;
    },
  };
}

let ipcMain: FakeIpcMain;
let window: FakeBrowserWindow;
let logs: LogRecord[];

function register(core: Pick<Core, 'call'>) {
  return registerIpc({
    ipcMain,
    core,
    isTrustedSender: createSenderCheck({ getContents: () => window.webContents, location: APP }),
    logger: createLogger('ipc', (r) => logs.push(r)),
  });
}

const call = (event: InvokeEventLike, payload: unknown) => ipcMain.invoke(IPC_INVOKE, event, payload);

beforeEach(() => {
  const electron = createFakeElectron();
  ipcMain = electron.ipcMain;
  window = new electron.BrowserWindow({});
  window.webContents.mainFrame.url = APP_URL;
  logs = [];
});

describe('the sender check', () => {
  it('lets our own window’s top frame on our own page reach the core', async () => {
    const core = recordingCore();
    register(core);
    expect(await call(window.invokeEventFromMainFrame(), { method: 'app.info', input: {} })).toEqual({
      ok: true,
      value: { hello: 'world' },
    });
    expect(core.calls).toEqual([{ method: 'app.info', input: {} }]);
  });

  const untrusted: [string, () => InvokeEventLike][] = [
    [
      'a subframe of our window, even one showing our page',
      () => ({
        sender: window.webContents,
        senderFrame: new FakeFrame({
          url: APP_URL,
          parent: window.webContents.mainFrame,
          processId: 7,
          routingId: 999,
        }),
      }),
    ],
    [
      'another frame claiming to be top-level',
      () => ({
        sender: window.webContents,
        senderFrame: new FakeFrame({
          url: APP_URL,
          processId: 7,
          routingId: window.webContents.mainFrame.routingId + 1,
        }),
      }),
    ],
    [
      'a frame in another renderer process',
      () => ({
        sender: window.webContents,
        senderFrame: new FakeFrame({ url: APP_URL, processId: 8, routingId: window.webContents.mainFrame.routingId }),
      }),
    ],
    [
      'our top frame after it was navigated to another URL',
      () => {
        window.webContents.mainFrame.url = 'https://evil.example/';
        return window.invokeEventFromMainFrame();
      },
    ],
    [
      'our top frame showing another local file',
      () => {
        window.webContents.mainFrame.url = 'file:///home/officer/Downloads/evil.html';
        return window.invokeEventFromMainFrame();
      },
    ],
    [
      'another window’s webContents',
      () => {
        const other = new FakeWebContents();
        other.mainFrame.url = APP_URL;
        return { sender: other, senderFrame: other.mainFrame };
      },
    ],
    // The next two could not happen with real Chromium ids; they prove each check stands on its own.
    [
      'a subframe that reports the top frame’s ids',
      () => {
        const main = window.webContents.mainFrame;
        return {
          sender: window.webContents,
          senderFrame: new FakeFrame({
            url: APP_URL,
            parent: main,
            processId: main.processId,
            routingId: main.routingId,
          }),
        };
      },
    ],
    [
      'another webContents whose frame reports our top frame’s ids',
      () => {
        const main = window.webContents.mainFrame;
        const other = new FakeWebContents();
        return {
          sender: other,
          senderFrame: new FakeFrame({ url: APP_URL, processId: main.processId, routingId: main.routingId }),
        };
      },
    ],
    ['a frame that has gone (senderFrame null)', () => ({ sender: window.webContents, senderFrame: null })],
    [
      'our window after it was destroyed',
      () => {
        window.webContents.destroyed = true;
        return window.invokeEventFromMainFrame();
      },
    ],
  ];

  it.each(untrusted)('refuses %s without calling the core', async (_label, makeEvent) => {
    const core = recordingCore();
    register(core);
    const result = await call(makeEvent(), { method: 'app.info', input: {} });
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.error.code).toBe('forbidden');
    expect(core.calls).toEqual([]);
  });

  it('refuses when there is no main window yet', async () => {
    const core = recordingCore();
    registerIpc({
      ipcMain,
      core,
      isTrustedSender: createSenderCheck({ getContents: () => undefined, location: APP }),
      logger: createLogger('ipc', (r) => logs.push(r)),
    });
    expect((await call(window.invokeEventFromMainFrame(), { method: 'app.info', input: {} })).ok).toBe(false);
    expect(core.calls).toEqual([]);
  });

  it('refuses (and logs) when the sender check itself throws', async () => {
    const core = recordingCore();
    registerIpc({
      ipcMain,
      core,
      isTrustedSender: () => {
        throw new Error('Object has been destroyed');
      },
      logger: createLogger('ipc', (r) => logs.push(r)),
    });
    const result = await call(window.invokeEventFromMainFrame(), { method: 'app.info', input: {} });
    expect(result.ok ? undefined : result.error.code).toBe('forbidden');
    expect(core.calls).toEqual([]);
    expect(logs.map((r) => r.message)).toContain('The sender check failed; refusing the call');
  });
});

describe('payloads', () => {
  it.each([
    ['nothing', undefined],
    ['a string', 'app.info'],
    ['an array', ['app.info', {}]],
    ['no method', { input: {} }],
    ['a numeric method', { method: 42, input: {} }],
    ['an empty method', { method: '', input: {} }],
    ['an over-long method', { method: 'a'.repeat(101), input: {} }],
    ['an extra field', { method: 'app.info', input: {}, sender: 'main' }],
  ])('refuses %s as invalid_input without calling the core', async (_label, payload) => {
    const core = recordingCore();
    register(core);
    const result = await call(window.invokeEventFromMainFrame(), payload);
    expect(result.ok ? undefined : result.error.code).toBe('invalid_input');
    expect(core.calls).toEqual([]);
  });

  it('turns a core that throws (it promises not to) into an internal error', async () => {
    register({
      call: async () => {
        throw new Error('boom');
      },
    });
    const result = await call(window.invokeEventFromMainFrame(), { method: 'app.info', input: {} });
    expect(result.ok ? undefined : result.error.code).toBe('internal');
  });
});

describe('with the real core', () => {
  let core: Core;
  let dir: string;
  const safeStorage = new FakeSafeStorage();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tc-ipc-'));
    const db = openSqlite(':memory:');
    await migrate(db);
    core = createCore({
      db,
      settings: createMemorySettingsStore(),
      secrets: createDesktopSecretStore({ safeStorage, dataDir: dir, platform: 'linux' }),
      logger: createLogger('core', (r) => logs.push(r)),
    });
    register(core);
  });

  afterEach(async () => {
    await core.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the core’s Result for a valid call, with the page’s session passed through', async () => {
    const setup = await call(window.invokeEventFromMainFrame(), {
      method: 'auth.setup',
      input: { name: 'Ada Admin', email: 'ada@council.example', password: 'correct horse battery' },
    });
    const session = setup.ok ? (setup.value as { token: string }).token : '';
    const anonymous = await call(window.invokeEventFromMainFrame(), {
      method: 'updates.create',
      input: { title: 'Bin day moves' },
    });
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const result = await call(window.invokeEventFromMainFrame(), {
      method: 'updates.create',
      input: { title: 'Bin day moves' },
      session,
    });
    expect(result.ok).toBe(true);
    expect(result.ok && (result.value as { title: string }).title).toBe('Bin day moves');
  });

  it('passes the core’s unknown_method Result straight through', async () => {
    const result = await call(window.invokeEventFromMainFrame(), {
      method: 'system.shell',
      input: { cmd: 'rm -rf /' },
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'unknown_method', message: 'There is no method called "system.shell"' },
    });
  });

  it('passes the core’s invalid_input Result straight through', async () => {
    const { session } = await signedIn(core);
    const result = await call(window.invokeEventFromMainFrame(), {
      method: 'updates.get',
      input: { id: 'nope' },
      session,
    });
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'invalid_input', field: 'id' });
  });

  it('treats a missing input as empty', async () => {
    const result = await call(window.invokeEventFromMainFrame(), { method: 'app.info' });
    expect(result.ok && (result.value as { name: string }).name).toBe('Town Crier');
  });

  it('never writes a secret value to the log, whatever path the call takes', async () => {
    const secret = 'hunter2-Sup3r-S3cret-token';
    const { session } = await signedIn(core);
    const set = { method: 'secrets.set', input: { name: 'x.api-key', value: secret }, session };
    expect((await call(window.invokeEventFromMainFrame(), set)).ok).toBe(true);
    // Untrusted sender, malformed payload, invalid input, and a key store that has gone away:
    await call({ sender: window.webContents, senderFrame: null }, set);
    await call(window.invokeEventFromMainFrame(), { ...set, extra: secret });
    await call(window.invokeEventFromMainFrame(), {
      method: 'secrets.set',
      input: { name: 'BAD NAME', value: secret },
    });
    safeStorage.available = false;
    const refused = await call(window.invokeEventFromMainFrame(), set);
    safeStorage.available = true;
    expect(refused.ok ? undefined : refused.error.code).toBe('forbidden');

    const messages = logs.map((r) => r.message);
    expect(messages).toContain('Secret stored');
    expect(messages).toContain('Refused a call from an untrusted frame');
    expect(JSON.stringify(logs)).toContain('x.api-key');
    expect(JSON.stringify(logs)).not.toContain(secret);
  });
});

describe('events', () => {
  it('forwards core events to the window on the event channel until unsubscribed', () => {
    const listeners = new Set<(event: CoreEvent) => void>();
    const core = {
      subscribe: (listener: (event: CoreEvent) => void) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
    const contents = new FakeWebContents();
    const stop = forwardEvents(core, contents);
    const event: CoreEvent = {
      name: 'update.changed',
      payload: { id: 'a', revision: 2, updatedAt: '2025-01-01T00:00:00Z' },
    };
    for (const listener of listeners) listener(event);
    expect(contents.sent).toEqual([[IPC_EVENT, event]]);
    stop();
    expect(listeners.size).toBe(0);
  });

  it('does not send to a window that has gone', () => {
    let emit: ((event: CoreEvent) => void) | undefined;
    const contents = new FakeWebContents();
    forwardEvents(
      {
        subscribe: (listener) => {
          emit = listener;
          return () => undefined;
        },
      },
      contents,
    );
    contents.destroyed = true;
    emit?.({ name: 'update.changed', payload: { id: 'a', revision: 1, updatedAt: '2025-01-01T00:00:00Z' } });
    expect(emit).toBeDefined();
    expect(contents.sent).toEqual([]);
  });
});

describe('registration', () => {
  it('registers exactly one handler, on the contract’s invoke channel, and removes it', () => {
    const stop = register(recordingCore());
    expect([...ipcMain.handlers.keys()]).toEqual([IPC_INVOKE]);
    stop();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('registers on Electron’s own ipcMain for the desktop app', () => {
    const stop = registerDesktopIpc({
      core: recordingCore(),
      isTrustedSender: () => false,
      logger: createLogger('ipc', (r) => logs.push(r)),
    });
    expect([...fakeElectron.ipcMain.handlers.keys()]).toEqual([IPC_INVOKE]);
    stop();
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
  });
});
