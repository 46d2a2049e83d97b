import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createCrierBridge } from '../../../electron/preload/index.ts';
import { IPC_EVENT, IPC_INVOKE } from '../../../shared/contract.ts';
import { fakeElectron, FakeIpcRenderer } from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).fakeElectron);

let ipc: FakeIpcRenderer;

beforeEach(() => {
  ipc = new FakeIpcRenderer();
});

describe('what the preload exposes', () => {
  it('exposes window.crier with exactly invoke and on, built on ipcRenderer', async () => {
    // Importing the preload (above) ran it once against the fake contextBridge.
    expect([...fakeElectron.contextBridge.exposed.keys()]).toEqual(['crier']);
    const crier = fakeElectron.contextBridge.exposed.get('crier') as Record<string, unknown>;
    expect(Object.keys(crier).sort()).toEqual(['invoke', 'on']);
    expect(typeof crier.invoke).toBe('function');
    expect(typeof crier.on).toBe('function');
    await (crier.invoke as (m: string, i: unknown) => Promise<unknown>)('app.info', {});
    expect(fakeElectron.ipcRenderer.invocations).toEqual([
      { channel: IPC_INVOKE, args: [{ method: 'app.info', input: {} }] },
    ]);
  });

  it('imports nothing at run time except electron (so the sandboxed CommonJS preload stays tiny)', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../../../electron/preload/index.ts'), 'utf8');
    const runtimeImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(runtimeImports).toEqual(['electron']);
    expect(source).not.toMatch(/\brequire\(|\bimport\(/);
  });
});

describe('invoke', () => {
  it('sends {method, input} on the contract’s invoke channel and returns main’s Result', async () => {
    ipc.respond = async () => ({ ok: true, value: { name: 'Town Crier' } });
    const crier = createCrierBridge(ipc);
    await expect(crier.invoke('app.info', {})).resolves.toEqual({ ok: true, value: { name: 'Town Crier' } });
    expect(ipc.invocations).toEqual([{ channel: IPC_INVOKE, args: [{ method: 'app.info', input: {} }] }]);
  });

  it('returns an internal Result instead of rejecting when IPC fails (e.g. uncloneable input)', async () => {
    ipc.respond = async () => {
      throw new Error('An object could not be cloned.');
    };
    const result = await createCrierBridge(ipc).invoke('app.info', {});
    expect(result.ok ? undefined : result.error.code).toBe('internal');
  });

  it('refuses a non-string method without sending anything', async () => {
    const crier = createCrierBridge(ipc);
    const result = await (crier.invoke as (m: unknown, i: unknown) => ReturnType<typeof crier.invoke>)(42, {});
    expect(result.ok ? undefined : result.error.code).toBe('invalid_input');
    expect(ipc.invocations).toEqual([]);
  });
});

describe('on', () => {
  const changed = { id: '5b1b6e52-6b1c-4b1b-9a51-2f1f5f0b9d11', revision: 2, updatedAt: '2025-01-01T00:00:00.000Z' };

  it('delivers only the named event’s payload (never the IPC event object)', () => {
    const crier = createCrierBridge(ipc);
    const got: unknown[][] = [];
    crier.on('update.changed', (...args: unknown[]) => got.push(args));
    ipc.deliver(IPC_EVENT, { name: 'settings.changed', payload: { organisationName: 'X' } });
    ipc.deliver(IPC_EVENT, { name: 'update.changed', payload: changed });
    ipc.deliver('some-other-channel', { name: 'update.changed', payload: changed });
    expect(got).toEqual([[changed]]);
  });

  it('unsubscribe removes exactly that listener', () => {
    const crier = createCrierBridge(ipc);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = crier.on('update.changed', (p) => first.push(p));
    crier.on('update.changed', (p) => second.push(p));
    stopFirst();
    ipc.deliver(IPC_EVENT, { name: 'update.changed', payload: changed });
    expect(first).toEqual([]);
    expect(second).toEqual([changed]);
  });

  it('keeps separate subscriptions of the same function separate', () => {
    const crier = createCrierBridge(ipc);
    const got: unknown[] = [];
    const listener = (p: unknown) => got.push(p);
    const stopA = crier.on('update.changed', listener);
    crier.on('update.changed', listener);
    stopA();
    stopA();
    ipc.deliver(IPC_EVENT, { name: 'update.changed', payload: changed });
    expect(got).toEqual([changed]);
  });

  it('detaches from ipcRenderer when the last listener leaves', () => {
    const crier = createCrierBridge(ipc);
    expect(ipc.listenerCount(IPC_EVENT)).toBe(0);
    const stopA = crier.on('update.changed', () => undefined);
    const stopB = crier.on('settings.changed', () => undefined);
    expect(ipc.listenerCount(IPC_EVENT)).toBe(1);
    stopA();
    expect(ipc.listenerCount(IPC_EVENT)).toBe(1);
    stopB();
    expect(ipc.listenerCount(IPC_EVENT)).toBe(0);
  });

  it.each([undefined, 42, { name: 'update.changed' }, Symbol('x')])(
    'throws for a non-string event name (%s)',
    (name) => {
      const crier = createCrierBridge(ipc);
      expect(() => (crier.on as (n: unknown, l: unknown) => unknown)(name, () => undefined)).toThrow(TypeError);
      expect(ipc.listenerCount(IPC_EVENT)).toBe(0);
    },
  );

  it('throws for a listener that is not a function', () => {
    const crier = createCrierBridge(ipc);
    expect(() => (crier.on as (n: unknown, l: unknown) => unknown)('update.changed', 'alert(1)')).toThrow(TypeError);
  });

  it('ignores malformed messages on the event channel', () => {
    const crier = createCrierBridge(ipc);
    const got: unknown[] = [];
    crier.on('update.changed', (p) => got.push(p));
    ipc.deliver(IPC_EVENT, null);
    ipc.deliver(IPC_EVENT, 'update.changed');
    ipc.deliver(IPC_EVENT, { name: 7, payload: changed });
    expect(got).toEqual([]);
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const crier = createCrierBridge(ipc);
    const got: unknown[] = [];
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      crier.on('update.changed', () => {
        throw new Error('listener bug');
      });
      crier.on('update.changed', (p) => got.push(p));
      ipc.deliver(IPC_EVENT, { name: 'update.changed', payload: changed });
      expect(got).toEqual([changed]);
      await new Promise((r) => setTimeout(r, 0));
      expect(errors).toHaveLength(1);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
