import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { navigate } from '../../router.ts';

/** Creates an empty update and opens it in the editor: the "New update" button and File → New update. */
export function useCreateUpdate() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.call('updates.create', {}),
    onSuccess: (update) => {
      queryClient.setQueryData(['updates', 'get', update.id], update);
      void queryClient.invalidateQueries({ queryKey: ['updates', 'list'] });
      navigate({ page: 'update', id: update.id });
    },
  });
}
