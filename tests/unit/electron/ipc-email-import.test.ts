import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../electron/core/app.ts';
import { createLogger } from '../../../electron/core/logging/logger.ts';
import { createMemorySettingsStore } from '../../../electron/core/settings/settings-store.ts';
import { migrate } from '../../../electron/core/store/migrations.ts';
import { openSqlite } from '../../../electron/core/store/sqlite.ts';
import { createSenderCheck, registerIpc } from '../../../electron/main/ipc.ts';
import { createDesktopSecretStore } from '../../../electron/main/secrets.ts';
import { IPC_INVOKE } from '../../../shared/contract.ts';
import {
  createFakeElectron,
  FakeSafeStorage,
  type FakeBrowserWindow,
  type FakeIpcMain,
} from '../../support/fake-electron.ts';
import { signedIn } from '../../support/people.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);

/**
 * The desktop app uploads a CSV import through the same methods as the
 * browser, over IPC: parts of up to 1 MB, in order, then the report.
 */
let ipcMain: FakeIpcMain;
let window: FakeBrowserWindow;
let core: Core;
let dir: string;

beforeEach(async () => {
  const electron = createFakeElectron();
  ipcMain = electron.ipcMain;
  window = new electron.BrowserWindow({});
  window.webContents.mainFrame.url = 'file:///opt/tc/out/renderer/index.html#/subscribers';
  dir = await mkdtemp(join(tmpdir(), 'tc-ipc-import-'));
  const db = openSqlite(':memory:');
  await migrate(db);
  core = createCore({
    db,
    settings: createMemorySettingsStore(),
    secrets: createDesktopSecretStore({ safeStorage: new FakeSafeStorage(), dataDir: dir, platform: 'linux' }),
    logger: createLogger('core', () => undefined),
  });
  registerIpc({
    ipcMain,
    core,
    isTrustedSender: createSenderCheck({
      getContents: () => window.webContents,
      location: { kind: 'file', indexPath: '/opt/tc/out/renderer/index.html' },
    }),
    logger: createLogger('ipc', () => undefined),
  });
});

afterEach(async () => {
  await core.close();
  await rm(dir, { recursive: true, force: true });
});

it('imports a CSV uploaded in parts over IPC, with the report of bad rows', { timeout: 60_000 }, async () => {
  const { session } = await signedIn(core);
  const call = async (method: string, input: unknown) => {
    const result = await ipcMain.invoke(IPC_INVOKE, window.invokeEventFromMainFrame(), { method, input, session });
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value as Record<string, unknown>;
  };
  const list = await call('email.lists.create', { name: 'Roads' });
  const begun = await call('email.import.begin', { listId: list.id, fileName: 'roads.csv', consentSource: 'form' });
  // Parts cut in the middle of a line.
  const rows = Array.from({ length: 20_000 }, (_, i) => (i === 7 ? 'not-an-address,X' : `p${i}@example.org,P ${i}`));
  const text = `email,name\n${rows.join('\n')}\n`;
  const size = 150_000;
  const parts = Math.ceil(text.length / size);
  for (let i = 0; i < parts; i++) {
    await call('email.import.chunk', {
      importId: begun.importId,
      sequence: i,
      text: text.slice(i * size, (i + 1) * size),
    });
  }
  const report = await call('email.import.finish', { importId: begun.importId, parts });
  expect(parts).toBeGreaterThan(1);
  expect(report).toMatchObject({ rows: 20_000, added: 19_999, badRows: 1 });
  expect(report.problems).toEqual([
    { line: 9, value: 'not-an-address', reason: 'invalid email address "not-an-address": it has no "@"' },
  ]);
});
