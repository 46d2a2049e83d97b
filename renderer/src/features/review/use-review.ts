import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';

/** Events keep reviews live across hosts; this re-read only covers one missed while a connection was down. */
const SAFETY_NET_MS = 60_000;

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
    // `review.changed` reaches every window, also from other desktops and web hosts (events cross processes);
    // this slow re-read is only the safety net for an event missed while a connection was down.
    refetchInterval: SAFETY_NET_MS,
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
    refetchInterval: SAFETY_NET_MS,
  });
}
