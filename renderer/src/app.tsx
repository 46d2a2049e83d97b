import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from './client-context.tsx';
import { useRoute, hrefFor } from './router.ts';
import { UpdatesPage } from './features/updates/updates-page.tsx';
import { UpdateEditorPage } from './features/updates/update-editor-page.tsx';
import { NewUpdateButton } from './features/updates/new-update-button.tsx';
import { StatusBar } from './components/status-bar.tsx';
import { QueuePage } from './features/queue/queue-page.tsx';
import { PublicationPage } from './features/queue/publication-page.tsx';
import { ChannelsPage } from './features/channels/channels-page.tsx';
import { SubscribersPage } from './features/subscribers/subscribers-page.tsx';
import { useLiveDeliveries } from './features/queue/use-live-deliveries.ts';
import { DeliveryNotifications } from './features/queue/delivery-notifications.tsx';
import { ApprovalsPage } from './features/review/approvals-page.tsx';
import { ReviewPage } from './features/review/review-page.tsx';
import { useInbox } from './features/review/use-review.ts';
import { useHasRole, useSession } from './features/auth/session-context.tsx';
import { PeoplePage } from './features/people/people-page.tsx';
import { AuditPage } from './features/audit/audit-page.tsx';

/** The app frame: navigation on the left, the page, and a status bar. */
export function App() {
  const route = useRoute();
  const client = useClient();
  const queryClient = useQueryClient();
  const mainRef = useRef<HTMLElement>(null);
  const deliveries = useLiveDeliveries();
  const session = useSession();
  const isAdmin = useHasRole('admin');
  const isApprover = useHasRole('approver');
  const waiting = useInbox(isApprover).data?.length ?? 0;

  // Live refresh: another window, desktop or the worker may change an update.
  useEffect(
    () =>
      client.on('update.changed', (event) => {
        void queryClient.invalidateQueries({ queryKey: ['updates', 'list'] });
        void queryClient.invalidateQueries({ queryKey: ['updates', 'get', event.id], refetchType: 'none' });
      }),
    [client, queryClient],
  );

  // Move focus to the page on navigation so screen-reader users hear the new page (not when only the
  // queue's filter changes: focus stays on the filter button that was pressed).
  const pageKey = `${route.page}:${'id' in route ? route.id : ''}`;
  useEffect(() => {
    mainRef.current?.focus();
  }, [pageKey]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <p className="brand">Town Crier</p>
        <NewUpdateButton />
        <ul>
          <li>
            <a href={hrefFor({ page: 'updates' })} aria-current={route.page === 'updates' ? 'page' : undefined}>
              Updates
            </a>
          </li>
          <li>
            <a
              href={hrefFor({ page: 'queue' })}
              aria-current={route.page === 'queue' || route.page === 'publication' ? 'page' : undefined}
            >
              Queue
            </a>
          </li>
          <li>
            <a href={hrefFor({ page: 'channels' })} aria-current={route.page === 'channels' ? 'page' : undefined}>
              Channels
            </a>
          </li>
          <li>
            <a href={hrefFor({ page: 'subscribers' })} aria-current={route.page === 'subscribers' ? 'page' : undefined}>
              Subscribers
            </a>
          </li>
          <li>
            <a
              href={hrefFor({ page: 'approvals' })}
              aria-current={route.page === 'approvals' || route.page === 'review' ? 'page' : undefined}
            >
              Approvals
              {waiting > 0 && (
                <span className="count-badge">
                  {' '}
                  {waiting}
                  <span className="visually-hidden"> waiting for you</span>
                </span>
              )}
            </a>
          </li>
          <li>
            <a href={hrefFor({ page: 'people' })} aria-current={route.page === 'people' ? 'page' : undefined}>
              {isAdmin ? 'People' : 'Your account'}
            </a>
          </li>
          {(isAdmin || isApprover) && (
            <li>
              <a href={hrefFor({ page: 'audit' })} aria-current={route.page === 'audit' ? 'page' : undefined}>
                Audit log
              </a>
            </li>
          )}
        </ul>
        <div className="signed-in">
          <p>
            Signed in as <strong>{session.user.name}</strong>
          </p>
          <button type="button" className="button" onClick={() => void session.lock()}>
            Lock
          </button>{' '}
          <button type="button" className="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1} className="page">
        {/* In-app notifications: a delivery failed, could not be confirmed, or needs its channel reconnected. */}
        <DeliveryNotifications
          notices={deliveries.notices}
          announcement={deliveries.announcement}
          onDismiss={deliveries.dismiss}
        />
        {route.page === 'updates' && <UpdatesPage />}
        {route.page === 'update' && <UpdateEditorPage key={route.id} id={route.id} />}
        {route.page === 'queue' && <QueuePage filter={route.filter} />}
        {route.page === 'publication' && <PublicationPage key={route.id} id={route.id} />}
        {route.page === 'channels' && <ChannelsPage />}
        {route.page === 'approvals' && <ApprovalsPage />}
        {route.page === 'review' && <ReviewPage key={route.id} id={route.id} />}
        {route.page === 'people' && <PeoplePage />}
        {route.page === 'audit' && <AuditPage />}
        {route.page === 'subscribers' && <SubscribersPage />}
        {route.page === 'not-found' && (
          <>
            <h1>Page not found</h1>
            <p>
              There is no page at {route.path}. <a href={hrefFor({ page: 'updates' })}>Go to updates</a>.
            </p>
          </>
        )}
      </main>
      <StatusBar />
    </div>
  );
}
