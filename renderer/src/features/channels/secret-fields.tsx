import { useId } from 'react';
import type { ChannelSecretInfo } from '../../../../shared/domain/queue.ts';

/**
 * The passwords and tokens a kind of channel declares, as password inputs with
 * their hints. Never pre-filled (values live only in the form's state until
 * sent) and never echoed back: the core stores them and no method returns them.
 */
export function SecretFields({
  secrets,
  values,
  errors,
  onChange,
}: {
  secrets: readonly ChannelSecretInfo[];
  values: Record<string, string>;
  /** Keyed `secrets.<name>`, as the core names the field it refuses. */
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  const base = useId();
  if (secrets.length === 0) return null;
  return (
    <fieldset className="secret-fields">
      <legend>Passwords and tokens</legend>
      <p className="hint">Stored encrypted on this computer or server. Town Crier never shows them again.</p>
      {secrets.map((s) => {
        const id = `${base}-${s.name}`;
        const error = errors[`secrets.${s.name}`];
        return (
          <div className="field" key={s.name}>
            <label htmlFor={id}>
              {s.label}
              {s.optional ? ' (optional)' : ''}
            </label>
            <p id={`${id}-hint`} className="hint">
              {s.hint}
            </p>
            {error && (
              <p id={`${id}-error`} className="error-text">
                {s.label}: {error}
              </p>
            )}
            {s.multiline ? (
              <textarea
                id={id}
                rows={6}
                spellCheck={false}
                autoComplete="off"
                maxLength={s.maxLength}
                value={values[s.name] ?? ''}
                required={!s.optional}
                aria-invalid={error ? true : undefined}
                aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
                onChange={(e) => onChange(s.name, e.target.value)}
              />
            ) : (
              <input
                id={id}
                type="password"
                autoComplete="new-password"
                spellCheck={false}
                maxLength={s.maxLength}
                value={values[s.name] ?? ''}
                required={!s.optional}
                aria-invalid={error ? true : undefined}
                aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
                onChange={(e) => onChange(s.name, e.target.value)}
              />
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** Client-side check before sending: every declared secret filled in (the core checks again, and more). */
export function missingSecrets(
  secrets: readonly ChannelSecretInfo[],
  values: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    secrets
      .filter((s) => !s.optional && (values[s.name] ?? '').trim() === '')
      .map((s) => [`secrets.${s.name}`, `Enter the ${s.label.toLowerCase()}.`]),
  );
}
