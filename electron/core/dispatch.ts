import type { z } from 'zod';
import { contract, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../../shared/contract.ts';
import type { Result } from '../../shared/domain/errors.ts';
import { CoreError, invalidInput } from './errors.ts';
import type { Logger } from './logging/logger.ts';
import { currentActor, type UserActor } from './people/actor.ts';
import type { Authenticated } from './people/people-service.ts';

/**
 * What a handler knows about the call besides its input. `actor` is the
 * signed-in person; reading it in a public method without a session throws
 * `unauthorized`, so no handler can act for nobody by mistake.
 */
export type CallContext = { readonly actor: UserActor; readonly token: string | undefined };

/** What the host passes with a call: the session token the UI holds (absent before signing in). */
export type CallMeta = { session?: string | undefined };

/** Handlers for some methods; each feature provides its own and app.ts joins them into `Handlers`. */
export type HandlersFor<K extends MethodName> = {
  [M in K]: (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>;
};

/** How the core turns a session token into a person (or says why not). */
export type Authenticate = (token: string | undefined) => Promise<Authenticated>;

const SIGN_IN_AGAIN: Record<'unauthorized' | 'locked', string> = {
  unauthorized: 'You are not signed in, or your session has ended. Sign in to continue.',
  locked: 'Town Crier locked after a time without activity. Enter your password to continue.',
};

function contextFor(actor: UserActor | undefined, token: string | undefined): CallContext {
  return {
    token,
    get actor(): UserActor {
      if (!actor) throw new CoreError('unauthorized', SIGN_IN_AGAIN.unauthorized);
      return actor;
    },
  };
}
export type Handlers = HandlersFor<MethodName>;

/**
 * The one place a call from any UI enters the core: the method must be in the
 * contract, the input must parse, and the output must parse too (so a bug can
 * never leak a field the contract does not promise, such as a secret).
 */
export async function dispatch(
  handlers: Handlers,
  method: string,
  rawInput: unknown,
  logger: Logger,
  authenticate: Authenticate,
  meta: CallMeta = {},
): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: { code: 'unknown_method', message: `There is no method called "${method.slice(0, 80)}"` },
    };
  }
  const spec = contract[method];
  const token = typeof meta.session === 'string' && meta.session.length > 0 ? meta.session : undefined;
  let actor: UserActor | undefined;
  try {
    // Who is calling is settled before the input is even looked at.
    if (spec.access !== 'public') {
      const found = await authenticate(token);
      if (!found.ok) return { ok: false, error: { code: found.code, message: SIGN_IN_AGAIN[found.code] } };
      actor = found.actor;
    }
  } catch (error) {
    logger.error('Checking a session failed', { method, error });
    return { ok: false, error: { code: 'internal', message: 'Town Crier could not check your session. Try again.' } };
  }
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error).toShape() };
  try {
    const handler = handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const ctx = contextFor(actor, token);
    const value = actor
      ? await currentActor.run(actor, () => handler(parsed.data, ctx))
      : await handler(parsed.data, ctx);
    const output = (spec.output as z.ZodType).safeParse(value);
    if (!output.success) {
      logger.error('A method returned output that breaks the contract', {
        method,
        issues: output.error.issues.slice(0, 5),
      });
      return {
        ok: false,
        error: {
          code: 'internal',
          message: 'Town Crier hit an internal error. Nothing was changed by the failed step.',
        },
      };
    }
    return { ok: true, value: output.data };
  } catch (error) {
    if (error instanceof CoreError) return { ok: false, error: error.toShape() };
    logger.error('A method failed', { method, error });
    return {
      ok: false,
      error: {
        code: 'internal',
        message: 'Town Crier hit an internal error. Try again; if it keeps happening, check the log.',
      },
    };
  }
}
