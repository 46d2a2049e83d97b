import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { navigate } from '../../router.ts';

/** Creates an empty update and opens it in the editor. */
export function NewUpdateButton() {
  const client = useClient();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => client.call('updates.create', {}),
    onSuccess: (update) => {
      queryClient.setQueryData(['updates', 'get', update.id], update);
      void queryClient.invalidateQueries({ queryKey: ['updates', 'list'] });
      navigate({ page: 'update', id: update.id });
    },
  });
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
