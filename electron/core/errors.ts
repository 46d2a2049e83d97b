import type { ZodError } from 'zod';
import type { CoreErrorShape, ErrorCode } from '../../shared/domain/errors.ts';

/** A failure with a code the UI can explain. Thrown inside the core, returned as a Result at its edge. */
export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly issues: CoreErrorShape['issues'];

  constructor(code: ErrorCode, message: string, extra: { field?: string; issues?: CoreErrorShape['issues'] } = {}) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    this.field = extra.field;
    this.issues = extra.issues;
  }

  toShape(): CoreErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

/** Turns a zod failure into an invalid_input error that names the first bad field. */
export function invalidInput(error: ZodError, what = 'input'): CoreError {
  const issues = error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const first = issues[0] ?? { path: '(root)', message: 'Invalid' };
  return new CoreError('invalid_input', `Invalid ${what}: ${first.path}: ${first.message}`, {
    field: first.path,
    issues,
  });
}
