import { ipcMain as electronIpcMain } from 'electron';
import { z } from 'zod';
import { IPC_EVENT, IPC_INVOKE, type EventPayload } from '../../shared/contract.ts';
import type { Result } from '../../shared/domain/errors.ts';
import type { Core } from '../core/app.ts';
import type { Logger } from '../core/logging/logger.ts';
import { describeUrl, isAppPageUrl, type RendererLocation } from './app-url.ts';
import type { FrameLike } from './window.ts';

/*
 * The only file that touches ipcMain (a lint rule enforces it). There is one
 * channel in (IPC_INVOKE) and one out (IPC_EVENT); every method of the
 * contract goes through them.
 */

/** What the handler reads from Electron's IpcMainInvokeEvent. */
export type InvokeEventLike = {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
};

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => Promise<Result<unknown>>): void;
  removeHandler(channel: string): void;
}

/** Decides whether a call comes from our own window's top frame, showing our own page. */
export type SenderCheck = (event: InvokeEventLike) => boolean;

/** The contents a trusted call must come from (the main window's webContents). */
export type TrustedContentsLike = { readonly id: number; readonly mainFrame: FrameLike; isDestroyed(): boolean };

// `input` may be absent: the core treats a missing input as {}.
// `session` is the token the page got from signing in (absent before that).
const InvokePayload = z.strictObject({
  method: z.string().min(1).max(100),
  input: z.unknown().optional(),
  session: z.string().min(1).max(200).optional(),
});

const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This page is not allowed to use Town Crier.' },
};
const MALFORMED: Result<never> = {
  ok: false,
  error: { code: 'invalid_input', message: 'A call must name a method and give its input.' },
};
const INTERNAL: Result<never> = {
  ok: false,
  error: {
    code: 'internal',
    message: 'Town Crier hit an internal error. Try again; if it keeps happening, check the log.',
  },
};

/**
 * The sender check for the main window. A call is trusted only when it comes
 * from that window's webContents, from its top frame (not an iframe, whatever
 * its origin), and that frame shows our own page. Anything else — another
 * window, a subframe, a page we were tricked into loading — is refused.
 */
export function createSenderCheck(opts: {
  getContents: () => TrustedContentsLike | undefined;
  location: RendererLocation;
}): SenderCheck {
  return (event) => {
    const contents = opts.getContents();
    const frame = event.senderFrame;
    if (!contents || contents.isDestroyed() || !frame) return false;
    if (event.sender.id !== contents.id) return false;
    const main = contents.mainFrame;
    if (frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
    return isAppPageUrl(frame.url, opts.location);
  };
}

function frameUrl(event: InvokeEventLike): string | undefined {
  try {
    return event.senderFrame?.url;
  } catch {
    // A destroyed frame throws on access; the call is refused either way, this only feeds the log line.
    return undefined;
  }
}

export type IpcDeps = {
  ipcMain: IpcMainLike;
  core: Pick<Core, 'call'>;
  isTrustedSender: SenderCheck;
  logger: Logger;
};

async function handleInvoke(deps: IpcDeps, event: InvokeEventLike, payload: unknown): Promise<Result<unknown>> {
  let trusted = false;
  try {
    trusted = deps.isTrustedSender(event);
  } catch (error) {
    deps.logger.warn('The sender check failed; refusing the call', { error });
  }
  if (!trusted) {
    // Never log the input: it can hold a password on its way to secrets.set.
    deps.logger.warn('Refused a call from an untrusted frame', { from: describeUrl(frameUrl(event)) });
    return FORBIDDEN;
  }
  const parsed = InvokePayload.safeParse(payload);
  if (!parsed.success) return MALFORMED;
  try {
    return await deps.core.call(parsed.data.method, parsed.data.input, { session: parsed.data.session });
  } catch (error) {
    // core.call promises never to throw; if it ever does, the renderer still gets a Result.
    deps.logger.error('core.call threw', { method: parsed.data.method, error });
    return INTERNAL;
  }
}

/**
 * Registers the single invoke handler: sender check first (untrusted callers
 * never reach the core), then the payload shape, then `core.call`, which
 * validates input and output against the contract. It resolves to a Result
 * and never rejects. Returns a function that removes the handler.
 */
export function registerIpc(deps: IpcDeps): () => void {
  deps.ipcMain.handle(IPC_INVOKE, (event, payload) => handleInvoke(deps, event, payload));
  return () => deps.ipcMain.removeHandler(IPC_INVOKE);
}

/** `registerIpc` on Electron's own ipcMain: what the desktop app calls. */
export function registerDesktopIpc(deps: Omit<IpcDeps, 'ipcMain'>): () => void {
  return registerIpc({ ...deps, ipcMain: electronIpcMain });
}

/** Where core events are sent: the main window's webContents. */
export type CoreEventTarget = { send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean };

/**
 * Sends a menu command to the renderer as an `app.command` event, so it is
 * carried out by the same code as the in-page button (no reload, nothing lost).
 */
export function sendAppCommand(contents: CoreEventTarget, payload: EventPayload<'app.command'>): void {
  if (!contents.isDestroyed()) contents.send(IPC_EVENT, { name: 'app.command', payload });
}

/**
 * Forwards every core event to the window on IPC_EVENT, skipping a window
 * that has gone. Returns the unsubscribe function.
 */
export function forwardEvents(core: Pick<Core, 'subscribe'>, contents: CoreEventTarget): () => void {
  return core.subscribe((event) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT, event);
  });
}
