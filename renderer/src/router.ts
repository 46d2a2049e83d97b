import { useEffect, useState } from 'react';
import { QueueFilter } from '../../shared/domain/queue.ts';

/** The screens, addressed by the URL hash so a reload returns to the same place. */
export type Route =
  | { page: 'updates' }
  | { page: 'update'; id: string }
  | { page: 'queue'; filter?: QueueFilter }
  | { page: 'publication'; id: string }
  | { page: 'channels' }
  | { page: 'approvals' }
  | { page: 'review'; id: string }
  | { page: 'people' }
  | { page: 'audit' }
  | { page: 'subscribers' }
  | { page: 'not-found'; path: string };

const ID = '([0-9a-f-]{36})';

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/updates';
  if (path === '/updates' || path === '/') return { page: 'updates' };
  if (path === '/queue') return { page: 'queue' };
  // The queue's filter is in the address, so a reload (or a shared link) shows the same list.
  const queue = /^\/queue\?filter=([a-z]+)$/.exec(path);
  if (queue?.[1]) {
    const filter = QueueFilter.safeParse(queue[1]);
    return filter.success ? { page: 'queue', filter: filter.data } : { page: 'queue' };
  }
  if (path === '/channels') return { page: 'channels' };
  if (path === '/approvals') return { page: 'approvals' };
  if (path === '/people') return { page: 'people' };
  if (path === '/audit') return { page: 'audit' };
  const review = new RegExp(`^/approvals/${ID}$`).exec(path);
  if (review?.[1]) return { page: 'review', id: review[1] };
  if (path === '/subscribers') return { page: 'subscribers' };
  const update = new RegExp(`^/updates/${ID}$`).exec(path);
  if (update?.[1]) return { page: 'update', id: update[1] };
  const publication = new RegExp(`^/queue/${ID}$`).exec(path);
  if (publication?.[1]) return { page: 'publication', id: publication[1] };
  return { page: 'not-found', path };
}

export function hrefFor(route: Exclude<Route, { page: 'not-found' }>): string {
  switch (route.page) {
    case 'updates':
      return '#/updates';
    case 'update':
      return `#/updates/${route.id}`;
    case 'queue':
      return route.filter === undefined || route.filter === 'all' ? '#/queue' : `#/queue?filter=${route.filter}`;
    case 'publication':
      return `#/queue/${route.id}`;
    case 'channels':
      return '#/channels';
    case 'approvals':
      return '#/approvals';
    case 'review':
      return `#/approvals/${route.id}`;
    case 'people':
      return '#/people';
    case 'audit':
      return '#/audit';
    case 'subscribers':
      return '#/subscribers';
  }
}

export function navigate(route: Exclude<Route, { page: 'not-found' }>): void {
  window.location.hash = hrefFor(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
