import { contextBridge, ipcRenderer } from 'electron';
import type { CrierBridge } from '../../shared/bridge.ts';
import type { IPC_EVENT as ContractEventChannel, IPC_INVOKE as ContractInvokeChannel } from '../../shared/contract.ts';
import type { Result } from '../../shared/domain/errors.ts';

/*
 * The sandboxed preload: it may load only `electron`, so everything from
 * shared/ is imported as types. The channel names are copied, and `typeof`
 * ties each copy to the contract's constant, so tsc fails if they drift.
 */
const IPC_INVOKE: typeof ContractInvokeChannel = 'crier:invoke';
const IPC_EVENT: typeof ContractEventChannel = 'crier:event';

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

type Subscription = { readonly eventName: string; readonly listener: (payload: unknown) => void };

const UNREACHABLE: Result<never> = {
  ok: false,
  error: {
    code: 'internal',
    message: 'Town Crier could not pass that request on. Try again; if it keeps happening, restart the app.',
  },
};
const NO_METHOD: Result<never> = {
  ok: false,
  error: { code: 'invalid_input', message: 'A call must name a method.' },
};

function isEventMessage(message: unknown): message is { name: string; payload: unknown } {
  return typeof message === 'object' && message !== null && typeof (message as { name?: unknown }).name === 'string';
}

/**
 * Builds `window.crier`. There is one ipcRenderer listener, attached while
 * anyone is subscribed; the renderer never sees the IPC event object (its
 * `sender` would hand the page ipcRenderer itself).
 */
export function createCrierBridge(ipc: IpcRendererLike): CrierBridge {
  const subscriptions = new Set<Subscription>();
  const deliver = (_event: unknown, message: unknown) => {
    if (!isEventMessage(message)) return;
    for (const subscription of [...subscriptions]) {
      if (subscription.eventName !== message.name) continue;
      try {
        subscription.listener(message.payload);
      } catch (error) {
        // One failing listener must not starve the others; rethrow where the page's error reporting sees it.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };

  const invoke = async (method: unknown, input: unknown, session?: unknown): Promise<Result<unknown>> => {
    if (typeof method !== 'string') return NO_METHOD;
    try {
      const payload = typeof session === 'string' ? { method, input, session } : { method, input };
      return (await ipc.invoke(IPC_INVOKE, payload)) as Result<unknown>;
    } catch {
      // Input that cannot be cloned, or a main process going away: the page still gets a Result.
      return UNREACHABLE;
    }
  };

  const on = (eventName: unknown, listener: unknown): (() => void) => {
    if (typeof eventName !== 'string') throw new TypeError('crier.on needs an event name');
    if (typeof listener !== 'function') throw new TypeError('crier.on needs a listener function');
    const subscription: Subscription = { eventName, listener: (payload) => listener(payload) };
    if (subscriptions.size === 0) ipc.on(IPC_EVENT, deliver);
    subscriptions.add(subscription);
    return () => {
      if (!subscriptions.delete(subscription)) return;
      if (subscriptions.size === 0) ipc.removeListener(IPC_EVENT, deliver);
    };
  };

  return { invoke: invoke as CrierBridge['invoke'], on: on as CrierBridge['on'] };
}

contextBridge.exposeInMainWorld('crier', createCrierBridge(ipcRenderer));
