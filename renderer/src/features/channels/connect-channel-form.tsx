import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelKindInfo } from '../../../../shared/domain/queue.ts';
import { CrierError } from '../../api.ts';
import { useClient } from '../../client-context.tsx';
import { missingSecrets, SecretFields } from './secret-fields.tsx';
import { OPTION_SOURCES, type Option } from './option-sources.ts';
import { settingsFields, settingsValues, type RawValue, type SettingsField } from './settings-fields.ts';

/**
 * A core refusal ("Invalid input: settings.url: Invalid URL") as the field it
 * names and a message without the path. Settings fields are keyed by their own
 * name, secrets as `secrets.<name>`.
 */
export function fieldErrorOf(error: Error): { field: string; message: string } | null {
  if (!(error instanceof CrierError) || !error.field) return null;
  const field = error.field.replace(/^settings\./, '');
  const message = error.message.replace(/^Invalid input: [\w.?-]+: /, '');
  return { field, message };
}

/** One generated settings input (text, web address, number, select or checkbox), with its hint and error. */
export function FieldInput({
  field,
  value,
  error,
  onChange,
}: {
  field: SettingsField;
  value: RawValue | undefined;
  error: string | undefined;
  onChange: (value: RawValue) => void;
}) {
  const id = useId();
  if (field.type === 'choices') return <ChoicesInput field={field} value={value} error={error} onChange={onChange} />;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  if (field.type === 'checkbox') {
    return (
      <div className="field">
        <label className="channel-option">
          <input
            type="checkbox"
            checked={value === true}
            aria-describedby={field.hint ? hintId : undefined}
            onChange={(e) => onChange(e.target.checked)}
          />
          {field.label}
        </label>
        {field.hint && (
          <p id={hintId} className="hint">
            {field.hint}
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label}
        {field.required ? '' : ' (optional)'}
      </label>
      {field.hint && (
        <p id={hintId} className="hint">
          {field.hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="error-text">
          {field.label}: {error}
        </p>
      )}
      {field.type === 'select' ? (
        <select
          id={id}
          value={typeof value === 'string' ? value : ''}
          required={field.required}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        >
          {!field.required && field.defaultValue === undefined && <option value="">(none)</option>}
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          type={field.type}
          value={typeof value === 'string' ? value : ''}
          required={field.required}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </div>
  );
}

/**
 * An array setting as a group of checkboxes: fixed options from the schema,
 * or options loaded from a named source (the email channel's lists).
 */
function ChoicesInput({
  field,
  value,
  error,
  onChange,
}: {
  field: SettingsField;
  value: RawValue | undefined;
  error: string | undefined;
  onChange: (value: RawValue) => void;
}) {
  const client = useClient();
  const id = useId();
  const source = field.optionsFrom ? OPTION_SOURCES[field.optionsFrom] : undefined;
  const loaded = useQuery({
    queryKey: ['settings-options', field.optionsFrom ?? ''],
    queryFn: () => (source ? source.load(client) : Promise.resolve([] as Option[])),
    enabled: source !== undefined,
  });
  const options: Option[] = source ? (loaded.data ?? []) : (field.options ?? []).map((o) => ({ value: o, label: o }));
  const chosen = Array.isArray(value) ? (value as readonly string[]) : [];
  const describedBy =
    [field.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className="field choices" aria-describedby={describedBy}>
      <legend>
        {field.label}
        {field.required ? '' : ' (optional)'}
      </legend>
      {field.hint && (
        <p id={`${id}-hint`} className="hint">
          {field.hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="error-text">
          {field.label}: {error}
        </p>
      )}
      {source && loaded.isPending && <p className="hint">Loading the choices…</p>}
      {source && loaded.isError && (
        <p role="alert" className="error-text">
          Could not load the choices: {loaded.error.message}
        </p>
      )}
      {source && loaded.isSuccess && options.length === 0 && <p className="hint">{source.empty}</p>}
      {options.map((o) => (
        <label key={o.value} className="channel-option">
          <input
            type="checkbox"
            checked={chosen.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value))}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** "Connect a channel": the kind, a name, and the settings its adapter asks for. */
export function ConnectChannelForm({ kinds, onDone }: { kinds: ChannelKindInfo[]; onDone: (name: string) => void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState(kinds[0]?.kind ?? '');
  const [name, setName] = useState('');
  const [raw, setRaw] = useState<Record<string, RawValue>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const ids = { kind: useId(), name: useId(), nameError: useId() };
  const info = kinds.find((k) => k.kind === kind);
  const fields = info ? settingsFields(info.settingsSchema) : [];
  const secretSpecs = info?.secrets ?? [];
  const create = useMutation({
    mutationFn: (settings: Record<string, unknown>) =>
      client.call('channels.create', { kind, name: name.trim(), settings, secrets }),
    onSuccess: (target) => {
      setSecrets({});
      void queryClient.invalidateQueries({ queryKey: ['channels', 'list'] });
      onDone(target.name);
    },
    onError: (error) => {
      const named = fieldErrorOf(error);
      if (named) setErrors({ [named.field]: named.message });
    },
  });
  const test = useMutation({
    mutationFn: (settings: Record<string, unknown>) => client.call('channels.test', { kind, settings, secrets }),
    onError: (error) => {
      const named = fieldErrorOf(error);
      if (named) setErrors({ [named.field]: named.message });
    },
  });
  /** The settings as the adapter wants them, or null after showing what to fix. */
  const checked = (): Record<string, unknown> | null => {
    const { values, errors: found } = settingsValues(fields, raw);
    Object.assign(found, missingSecrets(secretSpecs, secrets));
    setErrors(found);
    return Object.keys(found).length === 0 ? values : null;
  };

  return (
    <form
      className="connect-form"
      aria-label="Connect a channel"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const values = checked();
        if (name.trim() === '') setErrors((found) => ({ ...found, name: 'Give the channel a name' }));
        else if (values) create.mutate(values);
      }}
    >
      <div className="field">
        <label htmlFor={ids.kind}>Kind of channel</label>
        <select
          id={ids.kind}
          value={kind}
          onChange={(e) => {
            setKind(e.target.value);
            setRaw({});
            setSecrets({});
            setErrors({});
            test.reset();
          }}
        >
          {kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.displayName}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <p className="hint">How the queue and the publish list will show it, e.g. “Council website”.</p>
        {errors.name && (
          <p id={ids.nameError} className="error-text">
            Name: {errors.name}
          </p>
        )}
        <input
          id={ids.name}
          value={name}
          maxLength={100}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? ids.nameError : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      {fields.map((f) => (
        <FieldInput
          key={`${kind}:${f.name}`}
          field={f}
          value={
            raw[f.name] ??
            (f.defaultValue === undefined || typeof f.defaultValue === 'boolean'
              ? f.defaultValue
              : String(f.defaultValue))
          }
          error={errors[f.name]}
          onChange={(v) => setRaw((r) => ({ ...r, [f.name]: v }))}
        />
      ))}
      <SecretFields
        secrets={secretSpecs}
        values={secrets}
        errors={errors}
        onChange={(secretName, value) => setSecrets((v) => ({ ...v, [secretName]: value }))}
      />
      {Object.keys(errors).length > 0 && (
        <p role="alert" className="error-text">
          Check the fields marked above: {Object.keys(errors).length} to fix.
        </p>
      )}
      {create.isError && !fieldErrorOf(create.error) && (
        <p role="alert" className="error-text">
          {create.error.message}
        </p>
      )}
      <div role="status" className="test-result">
        {test.isPending && 'Testing the connection…'}
        {test.data?.ok === true && `Connection works${test.data.account ? `: signed in as ${test.data.account}` : ''}.`}
        {test.data?.ok === false && `Connection failed: ${test.data.message}`}
        {test.isError && !fieldErrorOf(test.error) && `Could not test: ${test.error.message}`}
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button"
          disabled={test.isPending}
          onClick={() => {
            const values = checked();
            if (values) test.mutate(values);
          }}
        >
          Test without saving
        </button>
        <button type="submit" className="button primary" disabled={create.isPending}>
          Connect
        </button>
      </div>
    </form>
  );
}
