import { useEffect } from 'react';
import { useClient } from '../../client-context.tsx';
import { useCreateUpdate } from './use-create-update.ts';

/** Starts a new update; the desktop menu's File → New update arrives here as an app.command event. */
export function NewUpdateButton() {
  const client = useClient();
  const create = useCreateUpdate();
  const { mutate } = create;
  useEffect(
    () =>
      client.on('app.command', (payload) => {
        if (payload.command === 'new-update') mutate();
      }),
    [client, mutate],
  );
  return (
    <div className="new-update">
      <button type="button" className="button primary" onClick={() => create.mutate()} disabled={create.isPending}>
        <span aria-hidden="true">✎ </span>New update
      </button>
      {create.isError && (
        <p role="alert" className="error-text">
          Could not start an update: {create.error.message}
        </p>
      )}
    </div>
  );
}
