import { useId, type Ref } from 'react';

/**
 * A labelled input with an optional hint and error, both tied to it with
 * aria-describedby so a screen reader reads them with the field. The error
 * sits between the label and the input, where the eye and the reader meet it.
 */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'password';
  autoComplete?: string;
  hint?: string;
  error?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
  className?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${props.className ?? ''}`.trim()}>
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p id={hintId} className="hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={errorId} className="error-text field-error">
          <span aria-hidden="true">⚠ </span>
          {props.error}
        </p>
      )}
      <input
        id={id}
        ref={props.inputRef}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
