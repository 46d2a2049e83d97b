import { useEffect, useState } from 'react';
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { patchPages, type Page } from './patch-pages.ts';
import { createNoticeDeduper, noticeKey, noticeText, shouldNotify } from '../../../../shared/domain/delivery-notice.ts';
import { useClient } from '../../client-context.tsx';
import { navigate } from '../../router.ts';

/** One in-app notification: what happened, and the publication it links to. */
export type DeliveryNotice = { key: string; publicationId: string; text: string };

const MAX_NOTICES = 5;

/**
 * Keeps the queue live: each `delivery.changed` updates the chip where it is
 * (no refetch of 10,000 rows), refreshes an open detail view and the filter
 * counts, and reloads the list only when a publication it has not seen
 * appears. It also collects notifications (newest first, at most five) for
 * deliveries that failed, could not be confirmed or wait for reconnection,
 * each once however often its event arrives.
 */
export function useLiveDeliveries(): {
  notices: DeliveryNotice[];
  /** The newest notice's text, for the polite live region. */
  announcement: string;
  dismiss: (key: string) => void;
} {
  const client = useClient();
  const queryClient = useQueryClient();
  const [notices, setNotices] = useState<DeliveryNotice[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [deduper] = useState(() => createNoticeDeduper());
  // A click on the desktop app's system notification opens the publication it was about.
  useEffect(
    () =>
      client.on('app.command', (payload) => {
        if (payload.command === 'open-publication') navigate({ page: 'publication', id: payload.publicationId });
      }),
    [client],
  );
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
        void queryClient.invalidateQueries({ queryKey: ['queue', 'for-update'] });
        void queryClient.invalidateQueries({ queryKey: ['queue', 'counts'] });
        void queryClient.invalidateQueries({ queryKey: ['app', 'status'] });
        void queryClient.invalidateQueries({ queryKey: ['channels', 'list'] });
        if (!shouldNotify(change) || !deduper.first(noticeKey(change))) return;
        void client
          .call('queue.get', { publicationId: change.publicationId })
          .then((detail) => {
            const delivery = detail.deliveries.find((d) => d.id === change.id);
            const text = noticeText(change.status, delivery?.targetName ?? 'A channel', detail.title);
            setNotices((list) =>
              [{ key: noticeKey(change), publicationId: change.publicationId, text }, ...list].slice(0, MAX_NOTICES),
            );
            setAnnouncement(text);
          })
          .catch(() => {
            const text = noticeText(change.status, 'A channel', 'an update');
            setNotices((list) =>
              [{ key: noticeKey(change), publicationId: change.publicationId, text }, ...list].slice(0, MAX_NOTICES),
            );
            setAnnouncement(text);
          });
      }),
    [client, queryClient, deduper],
  );
  return {
    notices,
    announcement,
    dismiss: (key) => setNotices((list) => list.filter((n) => n.key !== key)),
  };
}
