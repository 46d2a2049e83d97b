import type { MenuItemConstructorOptions } from 'electron';
import { isSafeExternalUrl } from './external-url.ts';

/**
 * The project's public documentation. There is no published address yet, so
 * it is unset and Help → Documentation shows disabled; set an https address
 * here and the item enables itself (it still passes the safe-link check).
 */
export const DOCUMENTATION_URL: string | undefined = undefined;

export type MenuOptions = {
  platform: NodeJS.Platform;
  /** Development build: adds reload and developer tools, which a shipped app must not offer. */
  isDev: boolean;
  /** The project documentation; the item is disabled unless it passes the safe-link check. */
  documentationUrl: string | undefined;
  onNewUpdate: () => void;
  /** Opens a link in the browser; expected to re-check it (see openExternalIfSafe). */
  openExternal: (url: string) => void;
};

/**
 * The application menu as plain data, so tests can read it: File (New
 * update, Quit), Edit (standard roles), View (zoom, full screen; reload and
 * developer tools only in development) and Help (Documentation).
 */
export function buildMenuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const docsUrl = opts.documentationUrl;
  const canOpenDocs = docsUrl !== undefined && isSafeExternalUrl(docsUrl);
  const devItems: MenuItemConstructorOptions[] = opts.isDev
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  const template: MenuItemConstructorOptions[] = [
    {
      label: '&File',
      submenu: [
        { id: 'new-update', label: '&New update', accelerator: 'CmdOrCtrl+N', click: () => opts.onNewUpdate() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'pasteAndMatchStyle' },
        { role: 'delete' },
        { type: 'separator' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        ...devItems,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      label: '&Help',
      submenu: [
        {
          id: 'documentation',
          label: '&Documentation',
          enabled: canOpenDocs,
          click: () => {
            if (canOpenDocs) opts.openExternal(docsUrl);
          },
        },
      ],
    },
  ];
  // macOS expects the app-name menu (About, Hide, Quit) first.
  return opts.platform === 'darwin' ? [{ role: 'appMenu' }, ...template] : template;
}

/** What installing the menu needs from Electron's `Menu`. */
export interface MenuApi<M> {
  buildFromTemplate(template: MenuItemConstructorOptions[]): M;
  setApplicationMenu(menu: M): void;
}

/** Builds the template and makes it the application menu. */
export function installMenu<M>(menu: MenuApi<M>, opts: MenuOptions): void {
  menu.setApplicationMenu(menu.buildFromTemplate(buildMenuTemplate(opts)));
}
