import { useEffect, useState } from 'react';

/** The screens, addressed by the URL hash so a reload returns to the same place. */
export type Route = { page: 'updates' } | { page: 'update'; id: string } | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/updates';
  if (path === '/updates' || path === '/') return { page: 'updates' };
  const match = /^\/updates\/([0-9a-f-]{36})$/.exec(path);
  if (match?.[1]) return { page: 'update', id: match[1] };
  return { page: 'not-found', path };
}

export function hrefFor(route: Exclude<Route, { page: 'not-found' }>): string {
  return route.page === 'updates' ? '#/updates' : `#/updates/${route.id}`;
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
