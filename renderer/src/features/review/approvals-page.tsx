import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { hrefFor } from '../../router.ts';
import { useHasRole, useSession } from '../auth/session-context.tsx';
import { useInbox } from './use-review.ts';

/** My notifications (review outcomes, updates not sent, urgent publications to review), newest first. */
function Notifications() {
  const client = useClient();
  const queryClient = useQueryClient();
  const { user } = useSession();
  useEffect(
    () =>
      client.on('notification.created', (event) => {
        if (event.userId === user.id) void queryClient.invalidateQueries({ queryKey: ['notifications'] });
      }),
    [client, queryClient, user.id],
  );
  const list = useQuery({ queryKey: ['notifications'], queryFn: () => client.call('notifications.list', {}) });
  const markRead = useMutation({
    mutationFn: (ids: string[]) => client.call('notifications.markRead', { ids }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const unread = (list.data ?? []).filter((n) => !n.read);
  return (
    <section aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications{unread.length > 0 ? ` (${unread.length} new)` : ''}</h2>
      {list.isError && <p role="alert">Could not load notifications: {list.error.message}</p>}
      {list.data && list.data.length === 0 && <p>No notifications.</p>}
      {unread.length > 0 && (
        <button
          type="button"
          className="button"
          disabled={markRead.isPending}
          onClick={() => markRead.mutate(unread.map((n) => n.id))}
        >
          Mark all as read
        </button>
      )}
      <ul className="notification-list">
        {(list.data ?? []).map((n) => (
          <li key={n.id} className={n.read ? 'read' : 'unread'}>
            {!n.read && <span className="visually-hidden">New: </span>}
            {n.updateId ? <a href={hrefFor({ page: 'update', id: n.updateId })}>{n.message}</a> : n.message}{' '}
            <span className="hint">{formatLondon(n.createdAt)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Approvers' inbox (waiting for me, or for any approver) and everyone's notifications. */
export function ApprovalsPage() {
  const approver = useHasRole('approver');
  const inbox = useInbox(approver);
  return (
    <section aria-labelledby="approvals-heading">
      <h1 id="approvals-heading">Approvals</h1>
      {approver ? (
        <section aria-labelledby="inbox-heading">
          <h2 id="inbox-heading">Waiting for your approval</h2>
          {inbox.isPending && <p aria-live="polite">Loading…</p>}
          {inbox.isError && <p role="alert">Could not load the inbox: {inbox.error.message}</p>}
          {inbox.data && inbox.data.length === 0 && <p>Nothing is waiting for you.</p>}
          {inbox.data && inbox.data.length > 0 && (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Update</th>
                  <th scope="col">Submitted by</th>
                  <th scope="col">When</th>
                  <th scope="col">Approvals</th>
                </tr>
              </thead>
              <tbody>
                {inbox.data.map((item) => (
                  <tr key={item.submissionId}>
                    <td>
                      <a href={hrefFor({ page: 'review', id: item.updateId })}>{item.title || 'Untitled update'}</a>
                      {item.forMe && <span className="tag">Sent to you</span>}
                    </td>
                    <td>{item.submittedBy}</td>
                    <td>{formatLondon(item.submittedAt)}</td>
                    <td>
                      {item.approvalsSoFar} of {item.approvalsRequired}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : (
        <p>You are not an approver, so nothing waits for your approval. Your notifications are below.</p>
      )}
      <Notifications />
    </section>
  );
}
