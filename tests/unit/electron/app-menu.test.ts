import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, installMenu, type MenuOptions } from '../../../electron/main/menu.ts';
import { FakeMenuApi } from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);

function options(overrides: Partial<MenuOptions> = {}) {
  const opened: string[] = [];
  const newUpdates: number[] = [];
  const opts: MenuOptions = {
    platform: 'win32',
    isDev: false,
    documentationUrl: 'https://docs.example.org/town-crier',
    onNewUpdate: () => newUpdates.push(1),
    openExternal: (url) => opened.push(url),
    ...overrides,
  };
  return { opts, opened, newUpdates };
}

const submenu = (template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] => {
  const menu = template.find((item) => item.label === label)?.submenu;
  if (!Array.isArray(menu)) throw new Error(`No ${label} menu`);
  return menu;
};
const roles = (items: MenuItemConstructorOptions[]) => items.filter((i) => i.role).map((i) => i.role);
const item = (items: MenuItemConstructorOptions[], id: string) => {
  const found = items.find((i) => i.id === id);
  if (!found) throw new Error(`No item ${id}`);
  return found;
};
const click = (entry: MenuItemConstructorOptions) => {
  const handler = entry.click as (() => void) | undefined;
  if (!handler) throw new Error('No click handler');
  handler();
};

describe('the application menu', () => {
  it('has File, Edit, View and Help, in that order', () => {
    expect(buildMenuTemplate(options().opts).map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
  });

  it('puts the app menu first on macOS', () => {
    expect(buildMenuTemplate(options({ platform: 'darwin' }).opts)[0]?.role).toBe('appMenu');
  });

  it('File offers New update (Ctrl+N) and Quit', () => {
    const { opts, newUpdates } = options();
    const file = submenu(buildMenuTemplate(opts), '&File');
    const newUpdate = item(file, 'new-update');
    expect(newUpdate.accelerator).toBe('CmdOrCtrl+N');
    click(newUpdate);
    expect(newUpdates).toEqual([1]);
    expect(roles(file)).toEqual(['quit']);
  });

  it('Edit has the standard roles', () => {
    expect(roles(submenu(buildMenuTemplate(options().opts), '&Edit'))).toEqual([
      'undo',
      'redo',
      'cut',
      'copy',
      'paste',
      'pasteAndMatchStyle',
      'delete',
      'selectAll',
    ]);
  });

  it('View offers zoom and full screen, but no reload or developer tools in a shipped app', () => {
    expect(roles(submenu(buildMenuTemplate(options().opts), '&View'))).toEqual([
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen',
    ]);
  });

  it('View adds reload and developer tools in development', () => {
    const view = roles(submenu(buildMenuTemplate(options({ isDev: true }).opts), '&View'));
    expect(view).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
  });

  it('Help → Documentation opens the docs through the safe-link path', () => {
    const { opts, opened } = options();
    const docs = item(submenu(buildMenuTemplate(opts), '&Help'), 'documentation');
    expect(docs.enabled).toBe(true);
    click(docs);
    expect(opened).toEqual(['https://docs.example.org/town-crier']);
  });

  it.each([undefined, 'http://docs.example.org/', 'javascript:alert(1)', 'https://user:pw@docs.example.org/'])(
    'Help → Documentation is disabled and opens nothing for %s',
    (url) => {
      const { opts, opened } = options({ documentationUrl: url });
      const docs = item(submenu(buildMenuTemplate(opts), '&Help'), 'documentation');
      expect(docs.enabled).toBe(false);
      click(docs);
      expect(opened).toEqual([]);
    },
  );

  it('installs the built template as the application menu', () => {
    const menu = new FakeMenuApi();
    const { opts } = options();
    installMenu(menu, opts);
    // JSON drops the click handlers, which differ by identity between two builds.
    expect(JSON.stringify(menu.applicationMenu?.template)).toBe(JSON.stringify(buildMenuTemplate(opts)));
  });
});
