import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../shared/contract.ts';
import type { CoreErrorShape, ErrorCode, Result } from '../../shared/domain/errors.ts';
import type { CrierBridge } from '../../shared/bridge.ts';

/** How the renderer reaches the core: Electron IPC through the preload, or HTTP to the web host. */
export interface Transport {
  invoke(method: string, input: unknown, session?: string): Promise<Result<unknown>>;
  on(name: string, listener: (payload: unknown) => void): () => void;
}

/** A failed call, with the core's code and plain-English message. */
export class CrierError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(shape: CoreErrorShape) {
    super(shape.message);
    this.name = 'CrierError';
    this.code = shape.code;
    this.field = shape.field;
  }
}

export type Client = {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** The session token from signing in; null signs the client out. Kept in this tab's sessionStorage. */
  setSession(token: string | null): void;
  /** Called when any call is refused as signed out or locked, so the app can show the right screen. */
  onAuthLost(listener: (code: 'unauthorized' | 'locked') => void): () => void;
};

const SESSION_KEY = 'town-crier-session';

/** The typed renderer client: the only way UI code talks to the core. */
export function createClient(
  transport: Transport,
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
): Client {
  let session: string | null = storage?.getItem(SESSION_KEY) ?? null;
  const authLost = new Set<(code: 'unauthorized' | 'locked') => void>();
  return {
    async call(method, input) {
      const result = await transport.invoke(method, input, session ?? undefined);
      if (!result.ok) {
        if (result.error.code === 'unauthorized' || result.error.code === 'locked') {
          const code = result.error.code;
          authLost.forEach((listener) => listener(code));
        }
        throw new CrierError(result.error);
      }
      return result.value as MethodOutput<typeof method>;
    },
    setSession(token) {
      session = token;
      if (token) storage?.setItem(SESSION_KEY, token);
      else storage?.removeItem(SESSION_KEY);
    },
    onAuthLost(listener) {
      authLost.add(listener);
      return () => authLost.delete(listener);
    },
    on(name, listener) {
      return transport.on(name, (payload) => listener(payload as EventPayload<typeof name>));
    },
  };
}

export function bridgeTransport(bridge: CrierBridge): Transport {
  return {
    invoke: (method, input, session) => bridge.invoke(method as MethodName, input as never, session),
    on: (name, listener) => bridge.on(name as EventName, listener as never),
  };
}

/** Parses a Server-Sent Events byte stream into (event, data) pairs. */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (name: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) onEvent(name, data.join('\n'));
    }
  }
}

const KEEPALIVE_LIMIT = 60_000;

/** HTTP to the web host, with the start-up token; events arrive over one streamed response that reconnects. */
export function httpTransport(
  baseUrl: string,
  token: string,
  fetchImpl: typeof fetch = fetch.bind(globalThis),
): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let streaming = false;
  const connect = async () => {
    streaming = true;
    let delay = 500;
    for (;;) {
      try {
        const res = await fetchImpl(`${baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` } });
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        delay = 500;
        await readEventStream(res.body, (name, data) => {
          const payload: unknown = JSON.parse(data);
          for (const listener of listeners.get(name) ?? []) {
            // One failing listener must not end the stream (the events after it would be lost until a reconnect).
            try {
              listener(payload);
            } catch (error) {
              // Reported as an uncaught error (the console, and the e2e tests' check), after the stream moves on.
              queueMicrotask(() => {
                throw error;
              });
            }
          }
        });
      } catch {
        // The host restarted or the network blipped: wait, then reconnect.
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  return {
    async invoke(method, input, session) {
      try {
        const body = JSON.stringify(input ?? {});
        const res = await fetchImpl(`${baseUrl}/api/${method}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            ...(session ? { 'x-town-crier-session': session } : {}),
          },
          body,
          // Lets a save started as the page unloads still arrive (browsers cap keepalive bodies at 64 KB).
          keepalive: body.length < KEEPALIVE_LIMIT,
        });
        return (await res.json()) as Result<unknown>;
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: 'Town Crier is not reachable. Check the web host is still running.' },
        };
      }
    },
    on(name, listener) {
      if (!streaming) void connect();
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

const TOKEN_KEY = 'town-crier-token';

/** Picks the transport for where the UI is running; the web token moves from the URL into session storage. */
export function connect(win: Window & { crier?: CrierBridge }): Client | null {
  if (win.crier) return createClient(bridgeTransport(win.crier), win.sessionStorage);
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    win.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl ?? win.sessionStorage.getItem(TOKEN_KEY);
  return token ? createClient(httpTransport(url.origin, token), win.sessionStorage) : null;
}
