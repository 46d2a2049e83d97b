import { useCallback } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Publication, QueueFilter } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { hrefFor, navigate } from '../../router.ts';
import { DeliveryChip } from './delivery-chip.tsx';
import { EmailSentCount } from './email-send-panel.tsx';
import { isWaitingForWebsite } from './waiting.ts';
import { WindowedList } from './windowed-list.tsx';

const SAFETY_CHECK_MS = 30_000;
const IN_FLIGHT = new Set(['queued', 'sending', 'retry_wait']);

/** True when a short loaded list still has deliveries on their way. */
export function needsSafetyCheck(pages: readonly { items: Publication[] }[] | undefined): boolean {
  if (!pages || pages.length > 1) return false;
  return pages.some((page) => page.items.some((p) => p.deliveries.some((d) => IN_FLIGHT.has(d.status))));
}

const FILTERS: { value: QueueFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'failed', label: 'Failed' },
  { value: 'unconfirmed', label: 'Unconfirmed' },
  { value: 'scheduled', label: 'Scheduled' },
  { value: 'today', label: 'Today' },
];

const ROW_HEIGHT = 76;

function PublicationRow({ publication }: { publication: Publication }) {
  const when = publication.scheduledAt ?? publication.createdAt;
  return (
    <div className="queue-row">
      <a className="queue-title" href={hrefFor({ page: 'publication', id: publication.id })}>
        {publication.title || 'Untitled update'}
      </a>
      <span className="queue-when">
        {publication.scheduledAt ? 'For ' : ''}
        <time dateTime={when}>{formatLondon(when)}</time>
      </span>
      <span className="queue-chips">
        {publication.deliveries.map((d) => (
          <span key={d.id} className="queue-chip-with-count">
            <DeliveryChip
              name={d.targetName}
              status={d.status}
              waiting={isWaitingForWebsite(d, publication.deliveries)}
              retracted={d.retractedAt !== null}
            />
            {d.targetKind === 'email.smtp' && (d.status === 'sending' || d.status === 'retry_wait') && (
              <EmailSentCount deliveryId={d.id} />
            )}
          </span>
        ))}
      </span>
    </div>
  );
}

/** "Failed (2)": a filter's label with its count, once the counts have loaded. */
export function filterLabel(label: string, count: number | undefined): string {
  return count === undefined ? label : `${label} (${count.toLocaleString('en-GB')})`;
}

/**
 * Every publication, newest first, with a live status per channel and the
 * queue's filters, each with its count (one `queue.counts` call, refreshed by
 * `delivery.changed`). The filter lives in the address (`#/queue?filter=failed`),
 * so a reload shows the same list.
 */
export function QueuePage({ filter = 'all' }: { filter?: QueueFilter | undefined }) {
  const client = useClient();
  const counts = useQuery({
    queryKey: ['queue', 'counts'],
    queryFn: () => client.call('queue.counts', {}),
  });
  const list = useInfiniteQuery({
    queryKey: ['queue', 'list', filter],
    queryFn: ({ pageParam }) =>
      client.call('queue.list', { filter, limit: 200, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Events keep the chips live, also for sends by other processes (events cross processes); this slow
    // check is the safety net for an event missed while a connection dropped. Only for a short list with
    // something in flight: never re-reads 10,000 rows.
    refetchInterval: (query) => (needsSafetyCheck(query.state.data?.pages) ? SAFETY_CHECK_MS : false),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const more = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const chosen = FILTERS.find((f) => f.value === filter)?.label ?? 'All';

  return (
    <section aria-labelledby="queue-heading" className="queue">
      <header className="page-header">
        <h1 id="queue-heading">Queue</h1>
      </header>
      <div role="group" aria-label="Show" className="filters">
        {FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            className="button filter"
            aria-pressed={filter === f.value}
            onClick={() => navigate({ page: 'queue', filter: f.value })}
          >
            {filterLabel(f.label, counts.data?.[f.value])}
          </button>
        ))}
      </div>
      {list.isPending && <p aria-live="polite">Loading the queue…</p>}
      {list.isError && (
        <div role="alert" className="error-box">
          <p>Could not load the queue: {list.error.message}</p>
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      )}
      {list.isSuccess && (
        <p className="hint" aria-live="polite">
          {items.length === 0
            ? filter === 'all'
              ? 'Nothing has been published yet. Open an update and choose "Publish…".'
              : `No publications in "${chosen}".`
            : `${chosen}: ${items.length.toLocaleString('en-GB')}${hasNextPage ? '+' : ''} ${items.length === 1 ? 'publication' : 'publications'}`}
        </p>
      )}
      {items.length > 0 && (
        <>
          <div className="queue-columns" aria-hidden="true">
            <span>Update</span>
            <span>When</span>
            <span>Channels</span>
          </div>
          <WindowedList
            items={items}
            rowHeight={ROW_HEIGHT}
            label="Publications"
            rowKey={(p) => p.id}
            renderRow={(p) => <PublicationRow publication={p} />}
            onNearEnd={more}
          />
        </>
      )}
      {isFetchingNextPage && <p aria-live="polite">Loading more…</p>}
    </section>
  );
}
