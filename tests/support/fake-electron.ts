import type {
  BrowserWindowConstructorOptions,
  HeadersReceivedResponse,
  MenuItemConstructorOptions,
  WindowOpenHandlerResponse,
} from 'electron';
import type { AppLike, DesktopElectron } from '../../electron/main/boot.ts';
import type { InvokeEventLike, IpcMainLike } from '../../electron/main/ipc.ts';
import type { MenuApi } from '../../electron/main/menu.ts';
import type { NotificationLike } from '../../electron/main/notifications.ts';
import type { SafeStorageLike } from '../../electron/main/secrets.ts';
import type {
  FrameLike,
  HeadersDetailsLike,
  NavigationEventLike,
  SessionLike,
  WebContentsLike,
  WindowLike,
} from '../../electron/main/window.ts';
import type { IpcRendererLike } from '../../electron/preload/index.ts';
import type { Result } from '../../shared/domain/errors.ts';

/*
 * A small fake of the parts of `electron` the desktop shell uses. Each piece
 * records what was asked of it, so tests can assert on options, handlers and
 * calls. It implements the shell's narrow interfaces, so tsc keeps it honest.
 */

type Listener = (...args: never[]) => unknown;

/** Minimal EventEmitter: on/once/removeListener/emit. */
export class FakeEmitter {
  readonly #listeners = new Map<string, { listener: Listener; once: boolean }[]>();

  on(event: string, listener: Listener): this {
    this.#add(event, listener, false);
    return this;
  }

  once(event: string, listener: Listener): this {
    this.#add(event, listener, true);
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    const index = list.findIndex((entry) => entry.listener === listener);
    if (index >= 0) list.splice(index, 1);
    return this;
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  emit(event: string, ...args: unknown[]): boolean {
    const list = [...(this.#listeners.get(event) ?? [])];
    for (const entry of list) {
      if (entry.once) this.removeListener(event, entry.listener);
      (entry.listener as (...a: unknown[]) => unknown)(...args);
    }
    return list.length > 0;
  }

  #add(event: string, listener: Listener, once: boolean) {
    const list = this.#listeners.get(event) ?? [];
    list.push({ listener, once });
    this.#listeners.set(event, list);
  }
}

/** A preventable event like Electron's, recording whether it was prevented. */
export function fakeEvent<T extends object>(
  fields: T,
): T & { preventDefault(): void; readonly defaultPrevented: boolean } {
  let prevented = false;
  // defineProperty, not Object.assign: assign would copy the getter's value once instead of the getter.
  return Object.defineProperties(fields, {
    preventDefault: {
      value: () => {
        prevented = true;
      },
    },
    defaultPrevented: { get: () => prevented },
  }) as T & { preventDefault(): void; readonly defaultPrevented: boolean };
}

export class FakeFrame implements FrameLike {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;

  constructor(init: { url: string; parent?: FakeFrame | null; processId?: number; routingId?: number }) {
    this.url = init.url;
    this.parent = init.parent ?? null;
    this.processId = init.processId ?? 1;
    this.routingId = init.routingId ?? 1;
  }
}

type HeadersListener = (details: HeadersDetailsLike, callback: (response: HeadersReceivedResponse) => void) => void;
type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;
type PermissionCheckHandler = (webContents: unknown, permission: string) => boolean;

export class FakeSession implements SessionLike {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  spellCheckerLanguages: string[] | undefined;
  headersListener: HeadersListener | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }

  setSpellCheckerLanguages(languages: string[]): void {
    this.spellCheckerLanguages = languages;
  }

  /** Runs the registered headers listener the way Electron would and returns its answer. */
  receiveHeaders(details: HeadersDetailsLike): HeadersReceivedResponse {
    const listener = this.headersListener;
    if (!listener) throw new Error('No onHeadersReceived listener registered');
    let response: HeadersReceivedResponse | undefined;
    listener(details, (r) => {
      response = r;
    });
    if (!response) throw new Error('The headers listener did not call back');
    return response;
  }
}

let nextContentsId = 1;

export class FakeWebContents extends FakeEmitter implements WebContentsLike {
  readonly id = nextContentsId++;
  readonly session: FakeSession;
  readonly mainFrame: FakeFrame;
  readonly sent: [string, ...unknown[]][] = [];
  windowOpenHandler: ((details: { url: string }) => WindowOpenHandlerResponse) | undefined;
  destroyed = false;

  constructor(session: FakeSession = new FakeSession()) {
    super();
    this.session = session;
    this.mainFrame = new FakeFrame({ url: 'about:blank', processId: 7, routingId: this.id * 10 });
  }

  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Simulates the page asking for a navigation; returns the event so tests can see if it was prevented. */
  navigate(
    kind: 'will-navigate' | 'will-redirect',
    url: string,
  ): NavigationEventLike & { readonly defaultPrevented: boolean } {
    const event = fakeEvent({ url });
    this.emit(kind, event);
    return event;
  }
}

export class FakeBrowserWindow extends FakeEmitter implements WindowLike {
  static readonly instances: FakeBrowserWindow[] = [];
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents: FakeWebContents;
  readonly loaded: string[] = [];
  minimized = false;
  destroyed = false;
  readonly calls: string[] = [];

  constructor(options: BrowserWindowConstructorOptions) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    FakeBrowserWindow.instances.push(this);
  }

  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }

  show(): void {
    this.calls.push('show');
  }

  focus(): void {
    this.calls.push('focus');
  }

  /** A call as it would arrive from this window's top frame. */
  invokeEventFromMainFrame(): InvokeEventLike {
    return { sender: this.webContents, senderFrame: this.webContents.mainFrame };
  }
}

type InvokeHandler = (event: InvokeEventLike, payload: unknown) => Promise<Result<unknown>>;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    // Electron refuses a second handler for a channel; so does the fake.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What ipcRenderer.invoke would get back for a call with this event. */
  invoke(channel: string, event: InvokeEventLike, payload: unknown): Promise<Result<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, payload);
  }
}

export class FakeShell {
  readonly opened: string[] = [];

  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

const FAKE_SEAL = Buffer.from('fake-sealed:');

/** Seals by XOR, so sealed bytes never contain the plain text; refuses bytes it did not seal. */
export class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']> = 'gnome_libsecret';
  encryptCalls = 0;

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): ReturnType<SafeStorageLike['getSelectedStorageBackend']> {
    return this.backend;
  }

  encryptString(plainText: string): Buffer {
    this.encryptCalls += 1;
    const body = Buffer.from(plainText, 'utf8').map((byte) => byte ^ 0x5a);
    return Buffer.concat([FAKE_SEAL, body]);
  }

  decryptString(encrypted: Buffer): string {
    if (!encrypted.subarray(0, FAKE_SEAL.length).equals(FAKE_SEAL)) {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
    return Buffer.from(encrypted.subarray(FAKE_SEAL.length).map((byte) => byte ^ 0x5a)).toString('utf8');
  }
}

export type FakeMenu = { readonly template: MenuItemConstructorOptions[] };

export class FakeMenuApi implements MenuApi<FakeMenu> {
  applicationMenu: FakeMenu | undefined;

  buildFromTemplate(template: MenuItemConstructorOptions[]): FakeMenu {
    return { template };
  }

  setApplicationMenu(menu: FakeMenu): void {
    this.applicationMenu = menu;
  }
}

export class FakeApp extends FakeEmitter implements AppLike {
  isPackaged = false;
  gotLock = true;
  readyBeforeSandbox = false;
  sandboxEnabled = false;
  lockRequested = false;
  quitCalls = 0;
  #ready = false;
  readonly paths: Record<string, string>;

  constructor(userData: string) {
    super();
    this.paths = { userData };
  }

  enableSandbox(): void {
    // Electron only honours this before ready; record it if called too late.
    if (this.#ready) this.readyBeforeSandbox = true;
    this.sandboxEnabled = true;
  }

  requestSingleInstanceLock(): boolean {
    this.lockRequested = true;
    return this.gotLock;
  }

  getPath(name: string): string {
    const path = this.paths[name];
    if (path === undefined) throw new Error(`Fake app has no path for ${name}`);
    return path;
  }

  async whenReady(): Promise<void> {
    this.#ready = true;
  }

  quit(): void {
    this.quitCalls += 1;
  }
}

export class FakeDialog {
  readonly errorBoxes: { title: string; content: string }[] = [];

  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  }
}

export class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (this.exposed.has(apiKey)) throw new Error(`Cannot bind an API on top of an existing property: ${apiKey}`);
    this.exposed.set(apiKey, api);
  }
}

export class FakeIpcRenderer extends FakeEmitter implements IpcRendererLike {
  readonly invocations: { channel: string; args: unknown[] }[] = [];
  respond: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: null });

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return this.respond(channel, ...args);
  }

  /** Delivers a message from main as Electron would: (event, ...args). */
  deliver(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: this, ports: [] }, ...args);
  }
}

/** Electron's `Notification`: records what was shown; `click()` fires as a person's click would. */
export class FakeNotification extends FakeEmitter implements NotificationLike {
  static readonly shown: FakeNotification[] = [];
  static supported = true;
  readonly options: { title: string; body: string };
  visible = false;

  constructor(options: { title: string; body: string }) {
    super();
    this.options = options;
  }

  static isSupported(): boolean {
    return FakeNotification.supported;
  }

  show(): void {
    this.visible = true;
    FakeNotification.shown.push(this);
  }

  click(): void {
    this.emit('click', {});
  }
}

export type FakeElectron = {
  app: FakeApp;
  Notification: typeof FakeNotification;
  BrowserWindow: typeof FakeBrowserWindow;
  dialog: FakeDialog;
  ipcMain: FakeIpcMain;
  Menu: FakeMenuApi;
  safeStorage: FakeSafeStorage;
  shell: FakeShell;
  contextBridge: FakeContextBridge;
  ipcRenderer: FakeIpcRenderer;
};

/** A fresh fake; `userData` is where app.getPath('userData') points. */
export function createFakeElectron(userData = '/nonexistent/user-data'): FakeElectron {
  FakeBrowserWindow.instances.length = 0;
  FakeNotification.shown.length = 0;
  FakeNotification.supported = true;
  const fake = {
    app: new FakeApp(userData),
    Notification: FakeNotification,
    BrowserWindow: FakeBrowserWindow,
    dialog: new FakeDialog(),
    ipcMain: new FakeIpcMain(),
    Menu: new FakeMenuApi(),
    safeStorage: new FakeSafeStorage(),
    shell: new FakeShell(),
    contextBridge: new FakeContextBridge(),
    ipcRenderer: new FakeIpcRenderer(),
  };
  // The fake must stay a drop-in for what startDesktop takes from the real electron.
  fake satisfies DesktopElectron;
  return fake;
}

/**
 * The instance `vi.mock('electron', …)` hands out, for code that imports
 * `electron` itself (the preload, index.ts):
 *   vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);
 */
export const fakeElectron: FakeElectron = createFakeElectron();
