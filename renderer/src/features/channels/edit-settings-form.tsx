import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChannelKindInfo, ChannelTarget } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';
import { FieldInput, fieldErrorOf } from './connect-channel-form.tsx';
import { settingsFields, settingsValues, type RawValue } from './settings-fields.ts';

/** A stored setting as the form shows it: text for strings and numbers, a tick for booleans, ticked ids for a list. */
function formValue(value: unknown): RawValue | undefined {
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return undefined;
}

/**
 * "Edit settings" of a connected channel: the same fields as "Connect a
 * channel" (generated from the adapter's settings schema), filled in with
 * what is stored. The core checks them with the adapter's schema and refuses
 * while a delivery to the channel is being sent; the hint says what happens to
 * deliveries still waiting.
 */
export function EditSettingsForm({
  target,
  kind,
  onDone,
  onCancel,
}: {
  target: ChannelTarget;
  kind: ChannelKindInfo;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const fields = settingsFields(kind.settingsSchema);
  const [name, setName] = useState(target.name);
  const [raw, setRaw] = useState<Record<string, RawValue>>(() => {
    const initial: Record<string, RawValue> = {};
    for (const f of fields) {
      const value = formValue(target.settings[f.name]);
      if (value !== undefined) initial[f.name] = value;
    }
    return initial;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const ids = { name: useId(), nameError: useId(), hint: useId() };
  const save = useMutation({
    mutationFn: (settings: Record<string, unknown>) =>
      client.call('channels.updateSettings', { targetId: target.id, name: name.trim(), settings }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['channels', 'list'] });
      onDone(saved.name);
    },
    onError: (error) => {
      const named = fieldErrorOf(error);
      if (named) setErrors({ [named.field]: named.message });
    },
  });

  return (
    <form
      className="connect-form"
      aria-label={`Edit the settings of ${target.name}`}
      aria-describedby={ids.hint}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const { values, errors: found } = settingsValues(fields, raw);
        if (name.trim() === '') found.name = 'Give the channel a name';
        setErrors(found);
        if (Object.keys(found).length === 0) save.mutate(values);
      }}
    >
      <p id={ids.hint} className="hint">
        Deliveries still waiting to go out to this channel (queued, scheduled or waiting to retry) will use the new
        settings; what was already published is not changed. Settings cannot be changed while something is being sent to
        it. Approvals stay valid: they cover what is published, not where.
      </p>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
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
          key={f.name}
          field={f}
          value={raw[f.name] ?? (f.defaultValue === undefined ? undefined : formValue(f.defaultValue))}
          error={errors[f.name]}
          onChange={(v) => setRaw((r) => ({ ...r, [f.name]: v }))}
        />
      ))}
      {Object.keys(errors).length > 0 && (
        <p role="alert" className="error-text">
          Check the fields marked above: {Object.keys(errors).length} to fix.
        </p>
      )}
      {save.isError && !fieldErrorOf(save.error) && (
        <p role="alert" className="error-text">
          {save.error.message}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button primary" disabled={save.isPending}>
          Save settings
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
