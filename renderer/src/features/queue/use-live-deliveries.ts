import { useEffect, useState } from 'react';
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import type { DeliveryChanged, Publication } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';

type Page = { items: Publication[]; nextCursor: string | null };

/** Applies one `delivery.changed` to loaded queue pages; false when the publication is not loaded (a new one). */
export function patchPages(data: InfiniteData<Page> | undefined, change: DeliveryChanged) {
  if (!data) return { data, found: false };
  let found = false;
  const pages = data.pages.map((page) => ({
    ...page,
    items: page.items.map((p) => {
      if (p.id !== change.publicationId) return p;
      found = true;
      return {
        ...p,
        deliveries: p.deliveries.map((d) =>
          d.id === change.id && d.updatedAt <= change.updatedAt
            ? { ...d, status: change.status, attempts: change.attempts, updatedAt: change.updatedAt }
            : d,
        ),
      };
    }),
  }));
  return { data: { ...data, pages }, found };
}

/**
 * Keeps the queue live: each `delivery.changed` updates the chip where it is
 * (no refetch of 10,000 rows), refreshes an open detail view, and reloads the
 * list only when a publication it has not seen appears. It also returns the
 * latest failure or unconfirmed outcome, for the in-app notice.
 */
export function useLiveDeliveries(): { notice: string | null; dismiss: () => void } {
  const client = useClient();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(
    () =>
      client.on('delivery.changed', (change) => {
        let unseen = false;
        for (const query of queryClient.getQueryCache().findAll({ queryKey: ['queue', 'list'] })) {
          const result = patchPages(query.state.data as InfiniteData<Page> | undefined, change);
          if (result.data) queryClient.setQueryData(query.queryKey, result.data);
          if (!result.found) unseen = true;
        }
        if (unseen) void queryClient.invalidateQueries({ queryKey: ['queue', 'list'] });
        void queryClient.invalidateQueries({ queryKey: ['queue', 'get', change.publicationId] });
        void queryClient.invalidateQueries({ queryKey: ['app', 'status'] });
        if (change.status === 'failed' || change.status === 'unconfirmed' || change.status === 'needs_reauth') {
          setNotice(
            change.status === 'unconfirmed'
              ? 'A delivery could not be confirmed: check the channel, then open it in the queue.'
              : 'A delivery needs attention: open the queue to see why and what to do.',
          );
        }
      }),
    [client, queryClient],
  );
  return { notice, dismiss: () => setNotice(null) };
}
