import { CrierError } from '../../api.ts';

/** A refusal from the core, split into the field it names (when it names one) and a message without the path. */
export type FieldError = { field: string | null; message: string };

/**
 * The core's refusal as something a form can put next to the right field:
 * `invalid_input` says "Invalid input: password: A password must be…" with
 * `field: "password"`; a conflict names its field too (`email`, `roles`,
 * `disabled`). Anything else is a message for the whole form.
 */
export function fieldErrorOf(error: unknown): FieldError {
  if (error instanceof CrierError) {
    const field = error.field ? error.field.split('.')[0] || null : null;
    const message = error.message.replace(/^Invalid input: [\w.()]+: /, '');
    return { field, message };
  }
  return { field: null, message: error instanceof Error ? error.message : String(error) };
}

/** The error for one field, or undefined. */
export function errorFor(error: FieldError | null, field: string): string | undefined {
  return error && error.field === field ? error.message : undefined;
}

/** The error when it names none of `fields` (shown for the whole form). */
export function formLevelError(error: FieldError | null, fields: readonly string[]): string | undefined {
  return error && (error.field === null || !fields.includes(error.field)) ? error.message : undefined;
}
