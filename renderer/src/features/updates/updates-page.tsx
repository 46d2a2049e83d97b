import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { hrefFor } from '../../router.ts';
import { TemplatePicker } from '../templates/template-picker.tsx';

/** Every update, most recently edited first, with search and "show more". */
export function UpdatesPage() {
  const client = useClient();
  const [search, setSearch] = useState('');
  const list = useInfiniteQuery({
    queryKey: ['updates', 'list', search],
    queryFn: ({ pageParam }) =>
      client.call('updates.list', {
        limit: 50,
        ...(pageParam ? { cursor: pageParam } : {}),
        ...(search ? { search } : {}),
      }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="updates-heading">
      <header className="page-header">
        <h1 id="updates-heading">Updates</h1>
        <div className="search">
          <label htmlFor="updates-search">Search updates</label>
          <input id="updates-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </header>
      {list.isPending && <p aria-live="polite">Loading updates…</p>}
      {list.isError && (
        <div role="alert" className="error-box">
          <p>Could not load updates: {list.error.message}</p>
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      )}
      {list.isSuccess && items.length === 0 && (
        <p>{search ? `No updates match "${search}".` : 'No updates yet. Choose "New update" to write one.'}</p>
      )}
      {items.length > 0 && (
        <ul className="update-list" aria-label="Updates">
          {items.map((u) => (
            <li key={u.id} className="update-row">
              <a href={hrefFor({ page: 'update', id: u.id })} className="update-title">
                {u.title || 'Untitled update'}
              </a>
              <p className="update-excerpt">{u.summary || u.excerpt || 'No text yet'}</p>
              <p className="update-meta">
                Edited <time dateTime={u.updatedAt}>{formatLondon(u.updatedAt)}</time> · revision {u.revision}
              </p>
            </li>
          ))}
        </ul>
      )}
      <TemplatePicker />
      {list.hasNextPage && (
        <button
          type="button"
          className="button"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Show more updates'}
        </button>
      )}
    </section>
  );
}
