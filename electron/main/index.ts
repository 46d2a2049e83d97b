import { app, BrowserWindow, dialog, Menu, Notification, safeStorage, shell } from 'electron';
import { startDesktop } from './boot.ts';

/*
 * The desktop entry point, kept to one call so the wiring is testable (see
 * boot.ts, driven by a fake electron in tests/unit/electron).
 */
void startDesktop(
  { app, BrowserWindow, dialog, Menu, Notification, safeStorage, shell },
  { argv: process.argv, env: process.env, mainDir: import.meta.dirname, platform: process.platform },
);
