import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';

/**
 * An update's review (state, submissions, comments, diff, what I may do),
 * refetched whenever the core says it changed: another person may approve or
 * comment on another machine, and the event reaches every window.
 */
export function useReview(updateId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.on('review.changed', (event) => {
        if (event.updateId === updateId) void queryClient.invalidateQueries({ queryKey: ['review', updateId] });
        void queryClient.invalidateQueries({ queryKey: ['review', 'inbox'] });
      }),
    [client, queryClient, updateId],
  );
  return useQuery({
    queryKey: ['review', updateId],
    queryFn: () => client.call('review.get', { updateId }),
    // Events reach the windows of this host; a colleague on another desktop or web host (team mode) acts on
    // the same database, so the review is also re-read every 10 seconds while the page is open.
    refetchInterval: 10_000,
  });
}

/** Approvers' inbox, kept fresh by review events. */
export function useInbox(enabled: boolean) {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(
    () => client.on('review.changed', () => void queryClient.invalidateQueries({ queryKey: ['review', 'inbox'] })),
    [client, queryClient],
  );
  return useQuery({
    queryKey: ['review', 'inbox'],
    queryFn: () => client.call('review.inbox', {}),
    enabled,
    refetchInterval: 15_000,
  });
}
