import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoreEvent } from '../../../shared/contract.ts';
import { createLogger, type LogRecord } from '../../../electron/core/logging/logger.ts';
import { startDesktop, type DesktopRun } from '../../../electron/main/boot.ts';
import { startDeliveryNotifications } from '../../../electron/main/notifications.ts';
import { approveCurrent, signedIn } from '../../support/people.ts';
import {
  createFakeElectron,
  FakeBrowserWindow,
  FakeNotification,
  type FakeElectron,
} from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);
vi.mock('electron-store', async () => ({
  default: (await import('../../support/conf-electron-store.ts')).ConfElectronStore,
}));

/**
 * The desktop shell's system notifications: a delivery that fails, cannot be
 * confirmed or needs reconnecting shows one Electron Notification (once per
 * delivery state, however often the event repeats), and a click brings the
 * window forward and opens the publication.
 */

const PUBLICATION = '0b8e2f5c-4d7a-4c1e-9f3b-2a6d8e1c5b70';
const DELIVERY = '5f1a9c3e-7b2d-4e8f-a6c4-1d3b5e7f9a20';
const TARGET = '9c2e4a6b-8d1f-4b3c-a5e7-0f2d4b6c8e10';

function bus() {
  const listeners = new Set<(event: CoreEvent) => void>();
  return {
    subscribe(listener: (event: CoreEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: CoreEvent) {
      for (const l of listeners) l(event);
    },
    get size() {
      return listeners.size;
    },
  };
}

const changed = (status: 'failed' | 'unconfirmed' | 'needs_reauth' | 'delivered', updatedAt: string): CoreEvent => ({
  name: 'delivery.changed',
  payload: { id: DELIVERY, publicationId: PUBLICATION, targetId: TARGET, status, attempts: 1, updatedAt },
});

describe('delivery notifications (the shell wiring)', () => {
  beforeEach(() => {
    createFakeElectron();
  });

  it('notifies once per delivery state, in plain words, and a click opens the publication', async () => {
    const events = bus();
    const opened: string[] = [];
    const stop = startDeliveryNotifications({
      subscribe: events.subscribe,
      describe: async () => ({ publicationId: PUBLICATION, targetName: 'Mastodon', title: 'Bins change' }),
      Notification: FakeNotification,
      onOpen: (id) => opened.push(id),
      logger: createLogger('test', () => undefined),
    });
    events.emit(changed('delivered', '2026-11-27T01:00:00.000Z'));
    events.emit(changed('failed', '2026-11-27T01:00:01.000Z'));
    // The same change again (another process relayed it too): no second notification.
    events.emit(changed('failed', '2026-11-27T01:00:01.000Z'));
    await vi.waitFor(() => expect(FakeNotification.shown).toHaveLength(1));
    events.emit(changed('needs_reauth', '2026-11-27T01:05:00.000Z'));
    // Retried and failed again later: a new state, so a new notification.
    events.emit(changed('failed', '2026-11-27T01:10:00.000Z'));
    await vi.waitFor(() => expect(FakeNotification.shown).toHaveLength(3));
    expect(FakeNotification.shown.map((n) => n.options.body)).toEqual([
      'Mastodon: “Bins change” failed to send.',
      'Mastodon: “Bins change” is waiting for Mastodon to be reconnected.',
      'Mastodon: “Bins change” failed to send.',
    ]);
    expect(FakeNotification.shown[0]?.options.title).toBe('Town Crier: a delivery needs you');
    FakeNotification.shown[0]?.click();
    expect(opened).toEqual([PUBLICATION]);
    stop();
    expect(events.size).toBe(0);
  });

  it('shows nothing (and says so once) where the system has no notifications', () => {
    FakeNotification.supported = false;
    const events = bus();
    const logs: LogRecord[] = [];
    startDeliveryNotifications({
      subscribe: events.subscribe,
      describe: async () => undefined,
      Notification: FakeNotification,
      onOpen: () => undefined,
      logger: createLogger('test', (r) => logs.push(r)),
    });
    events.emit(changed('failed', '2026-11-27T01:00:01.000Z'));
    expect(events.size).toBe(0);
    expect(FakeNotification.shown).toEqual([]);
    expect(logs.map((r) => r.message)).toEqual([
      'System notifications are not supported here; the app shows them in its window only',
    ]);
  });
});

describe('delivery notifications in the desktop app (startDesktop with the real core and worker)', () => {
  let electron: FakeElectron;
  let userData: string;
  let run: DesktopRun | undefined;
  beforeEach(async () => {
    userData = await mkdtemp(join(tmpdir(), 'tc-notify-'));
    electron = createFakeElectron(userData);
  });
  afterEach(async () => {
    if (run?.status === 'running') await run.core.close();
    await rm(userData, { recursive: true, force: true });
  });

  it('a failed delivery shows a system notification; clicking it focuses the window and opens the publication', async () => {
    run = await startDesktop(electron, {
      argv: ['town-crier'],
      env: {},
      mainDir: resolve('/opt/town-crier/out/main'),
      platform: 'linux',
      logSink: () => undefined,
      // The worker in this thread: the built thread entry is not beside this test's made-up main folder.
      workerInProcess: true,
    });
    if (run.status !== 'running') throw new Error(`did not start: ${JSON.stringify(run)}`);
    const core = await signedIn(run.core);
    const call = async (method: string, input: unknown) => {
      const result = await core.call(method, input);
      if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
      return result.value as Record<string, unknown> & { id: string };
    };
    // A static site whose folder does not exist: the worker's send is refused, so the delivery fails.
    const site = await call('channels.create', {
      kind: 'website.static',
      name: 'Council website',
      settings: { folder: join(userData, 'no-such-folder'), siteUrl: 'http://localhost:8080', siteTitle: 'News' },
    });
    const update = await call('updates.create', { title: 'Library hours change', summary: 'From Monday.' });
    await approveCurrent(core, update.id);
    const publication = await call('queue.publish', { updateId: update.id, targetIds: [site.id] });

    await vi.waitFor(() => expect(FakeNotification.shown).toHaveLength(1), { timeout: 20_000, interval: 100 });
    expect(FakeNotification.shown[0]?.options.body).toBe('Council website: “Library hours change” failed to send.');
    const window = FakeBrowserWindow.instances[0];
    if (!window) throw new Error('no window');
    window.minimized = true;
    window.calls.length = 0;
    FakeNotification.shown[0]?.click();
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
    expect(window.webContents.sent).toContainEqual([
      'crier:event',
      { name: 'app.command', payload: { command: 'open-publication', publicationId: publication.id } },
    ]);
  }, 30_000);
});
