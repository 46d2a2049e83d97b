import type { z } from 'zod';
import { contract, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../../shared/contract.ts';
import type { Result } from '../../shared/domain/errors.ts';
import { CoreError, invalidInput } from './errors.ts';
import type { Logger } from './logging/logger.ts';

/** Handlers for some methods; each feature provides its own and app.ts joins them into `Handlers`. */
export type HandlersFor<K extends MethodName> = { [M in K]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> };
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
): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: { code: 'unknown_method', message: `There is no method called "${method.slice(0, 80)}"` },
    };
  }
  const spec = contract[method];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error).toShape() };
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
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
