import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract.ts';
import type { Result } from './domain/errors.ts';

/**
 * What the preload exposes as `window.crier` in the desktop app: the contract
 * as two functions. `invoke` resolves to a Result and never rejects; `on`
 * returns a function that removes exactly the listener it added. Type-only,
 * so the sandboxed preload can use it without bundling any shared code.
 */
export type CrierBridge = {
  /** `session` is the token from signing in (held by the page, sent with each call). */
  invoke<M extends MethodName>(method: M, input: MethodInput<M>, session?: string): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(eventName: E, listener: (payload: EventPayload<E>) => void): () => void;
};
