import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CrierError } from '../../api.ts';
import { useClient } from '../../client-context.tsx';

/** Saves the update's current content (after any pending autosave) as a named template. */
export function SaveAsTemplate({ updateId, beforeSave }: { updateId: string; beforeSave: () => Promise<void> }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const ids = { name: useId(), error: useId() };
  const save = useMutation({
    mutationFn: async () => {
      await beforeSave();
      return client.call('templates.saveFromUpdate', { updateId, name });
    },
    onSuccess: () => {
      setOpen(false);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['templates'] });
    },
  });
  const fieldError = save.error instanceof CrierError && save.error.field === 'name' ? save.error.message : null;

  if (!open) {
    return (
      <div className="save-template">
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Save as template…
        </button>
        {save.isSuccess && (
          <p role="status" className="notice">
            Saved as the template “{save.data.name}”.
          </p>
        )}
      </div>
    );
  }
  return (
    <form
      className="save-template"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label htmlFor={ids.name}>Template name</label>
      <input
        id={ids.name}
        value={name}
        maxLength={80}
        autoFocus
        aria-invalid={fieldError ? true : undefined}
        aria-describedby={save.isError ? ids.error : undefined}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={save.isPending}>
        Save template
      </button>
      <button type="button" className="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {save.isError && (
        <p id={ids.error} role="alert" className="error-text">
          {save.error.message}
        </p>
      )}
    </form>
  );
}
