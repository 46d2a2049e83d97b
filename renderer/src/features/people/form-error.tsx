import { formLevelError, type FieldError } from './core-error.ts';

/**
 * What a form says when the core refuses it. An error that names one of the
 * form's `fields` is shown beside that field (by `TextField`), so here it is
 * only announced to screen readers ("Not saved: …"); any other error is shown
 * for the whole form.
 */
export function FormError(props: {
  error: FieldError | null;
  fields: readonly string[];
  /** Announced before a field's error, e.g. "Not saved". */
  notDone: string;
  className?: 'error-box' | 'error-text';
}) {
  const whole = formLevelError(props.error, props.fields);
  if (whole) {
    return (
      <p role="alert" className={props.className ?? 'error-box'}>
        {whole}
      </p>
    );
  }
  if (!props.error) return null;
  return (
    <p role="alert" className="visually-hidden">
      {props.notDone}: {props.error.message}
    </p>
  );
}
