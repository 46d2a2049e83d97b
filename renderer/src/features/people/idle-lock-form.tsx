import { useEffect, useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';

/**
 * Admins: how long a window may sit without activity before it locks. A host
 * setting (each desktop or web host has its own settings file); the core
 * applies it to every session checked by this host.
 */
export function IdleLockSection() {
  const client = useClient();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => client.call('settings.get', {}) });
  const [minutes, setMinutes] = useState('');
  const ids = { heading: useId(), minutes: useId(), hint: useId() };
  useEffect(() => {
    if (settings.data) setMinutes(String(settings.data.idleLockMinutes));
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () => client.call('settings.update', { idleLockMinutes: Number(minutes) }),
    onSuccess: (next) => queryClient.setQueryData(['settings'], next),
  });
  return (
    <section className="card" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>Locking</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={ids.minutes}>Lock after this many minutes without activity</label>
          <p id={ids.hint} className="hint">
            Between 1 and 480. Applies to everyone signed in through this Town Crier; they unlock with their password.
          </p>
          <input
            id={ids.minutes}
            inputMode="numeric"
            value={minutes}
            aria-describedby={ids.hint}
            aria-invalid={save.isError || undefined}
            onChange={(e) => setMinutes(e.target.value)}
          />
        </div>
        {save.isError && (
          <p role="alert" className="error-text">
            {save.error.message}
          </p>
        )}
        {save.isSuccess && (
          <p role="status" className="notice">
            Saved: windows lock after {save.data.idleLockMinutes} minutes without activity.
          </p>
        )}
        <button type="submit" className="button" disabled={save.isPending || !settings.data}>
          Save
        </button>
      </form>
    </section>
  );
}
