import { useEffect, useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MethodOutput } from '../../../../shared/contract.ts';
import { useClient } from '../../client-context.tsx';
import { useHasRole } from '../auth/session-context.tsx';
import { allPages, csvText, downloadCsv } from '../subscribers/csv-download.ts';
import './email-send.css';

type SendStatus = NonNullable<MethodOutput<'email.send.statusIfStarted'>>;
type Counts = SendStatus['counts'];

/** The per-recipient statuses, in the order a send moves through them, with words for people. */
const ROWS: { key: keyof Counts; word: string }[] = [
  { key: 'queued', word: 'Queued' },
  { key: 'sending', word: 'Sending now' },
  { key: 'accepted', word: 'Accepted by the relay' },
  { key: 'deferred', word: 'Deferred (will retry)' },
  { key: 'rejected', word: 'Rejected' },
  { key: 'unconfirmed', word: 'Unconfirmed' },
  { key: 'skipped', word: 'Skipped (unsubscribed meanwhile)' },
  { key: 'cancelled', word: 'Cancelled' },
];

const STATE_WORDS: Record<SendStatus['state'], string> = {
  sending: 'Sending',
  paused: 'Paused',
  cancelled: 'Cancelled',
  done: 'Finished',
};

const n = (value: number) => value.toLocaleString('en-GB');

/** "1,234 of 5,000 sent": accepted out of everyone the send is for. */
export function sentSummary(counts: Counts): string {
  return `${n(counts.accepted)} of ${n(counts.total)} sent`;
}

/** Re-reads a send's counts on each `email.send.progress` and `delivery.changed` for it. */
function useLiveSend(deliveryId: string) {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    const refresh = () => void queryClient.invalidateQueries({ queryKey: ['email', 'send', deliveryId] });
    const offProgress = client.on('email.send.progress', (p) => p.deliveryId === deliveryId && refresh());
    const offChanged = client.on('delivery.changed', (c) => c.id === deliveryId && refresh());
    return () => {
      offProgress();
      offChanged();
    };
  }, [client, queryClient, deliveryId]);
}

/** The queue row's compact "1,234 of 5,000 sent" for an email send on its way (nothing before it starts). */
export function EmailSentCount({ deliveryId }: { deliveryId: string }) {
  const client = useClient();
  useLiveSend(deliveryId);
  const status = useQuery({
    queryKey: ['email', 'send', deliveryId],
    queryFn: () => client.call('email.send.statusIfStarted', { deliveryId }),
  });
  if (!status.data) return null;
  return <span className="queue-email-count">{sentSummary(status.data.counts)}</span>;
}

/**
 * An email delivery's send, live: counts per recipient status (refreshed on
 * each `email.send.progress`, which the fan-out sends at most twice a second,
 * and on `delivery.changed`), Pause, Resume and Cancel (with a confirmation),
 * and the failures as a CSV built from pages. An automatic pause shows the
 * fan-out's reason next to Resume.
 */
export function EmailSendPanel({ deliveryId, targetName }: { deliveryId: string; targetName: string }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const isAuthor = useHasRole('author');
  const isApprover = useHasRole('approver');
  const canControl = isAuthor || isApprover;
  const key = ['email', 'send', deliveryId];
  const status = useQuery({
    queryKey: key,
    queryFn: () => client.call('email.send.statusIfStarted', { deliveryId }),
  });
  useLiveSend(deliveryId);

  const [confirmCancel, setConfirmCancel] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useId();
  const act = useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') => client.call(`email.send.${action}`, { deliveryId }),
    onMutate: () => setError(null),
    onSuccess: (next, action) => {
      queryClient.setQueryData(key, next);
      setConfirmCancel(false);
      setNotice(
        action === 'pause'
          ? 'The send is paused: no more messages go out until you resume it.'
          : action === 'resume'
            ? 'The send is resuming.'
            : 'The send is cancelled: nobody else will get this email.',
      );
    },
    onError: (e) => setError(e.message),
  });

  async function exportFailures() {
    setExporting(true);
    setError(null);
    try {
      const rows = await allPages((after) =>
        client.call('email.send.failures', { deliveryId, limit: 1000, ...(after ? { after } : {}) }),
      );
      downloadCsv(
        `email-failures-${deliveryId.slice(0, 8)}.csv`,
        csvText(
          ['email', 'status', 'attempts', 'smtp_code', 'smtp_reply', 'updated_at'],
          rows.map((r) => [r.email, r.status, r.attempts, r.smtpCode, r.smtpReply, r.updatedAt]),
        ),
      );
      setNotice(`Exported ${n(rows.length)} ${rows.length === 1 ? 'failure' : 'failures'}.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setExporting(false);
    }
  }

  if (status.isPending) return <p className="hint">Reading the email send…</p>;
  if (status.isError) {
    return (
      <p role="alert" className="error-text">
        Could not read the email send: {status.error.message}
      </p>
    );
  }
  const send = status.data;
  if (!send) return <p className="hint">The email send has not started yet: the counts appear when it does.</p>;
  const c = send.counts;
  const failed = c.rejected + c.unconfirmed + c.deferred + c.skipped + c.cancelled;
  const finished = c.total - c.queued - c.sending - c.deferred;
  return (
    <section className="email-send" aria-labelledby={heading}>
      <h3 id={heading}>
        Email send: {STATE_WORDS[send.state]}
        <span className="visually-hidden"> ({targetName})</span>
      </h3>
      <p className="email-send-summary">
        <label>
          {sentSummary(c)}
          <progress max={Math.max(1, c.total)} value={c.accepted} />
        </label>
      </p>
      {send.state === 'paused' && send.pausedReason && (
        <p className="email-send-paused">
          <strong>Why it is paused:</strong> {send.pausedReason}
        </p>
      )}
      <table className="email-send-counts">
        <caption>Recipients by status ({n(c.total)} in all)</caption>
        <tbody>
          {ROWS.filter((r) => r.key !== 'cancelled' || c.cancelled > 0).map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.word}</th>
              <td>{n(c[r.key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="visually-hidden" aria-live="polite">
        {finished === c.total ? `The send is ${STATE_WORDS[send.state].toLowerCase()}: ${sentSummary(c)}.` : ''}
      </p>
      <div className="delivery-actions">
        {canControl && send.state === 'sending' && (
          <button type="button" className="button" disabled={act.isPending} onClick={() => act.mutate('pause')}>
            Pause the send
          </button>
        )}
        {canControl && send.state === 'paused' && (
          <button
            type="button"
            className="button primary"
            disabled={act.isPending}
            onClick={() => act.mutate('resume')}
          >
            Resume the send
          </button>
        )}
        {canControl && (send.state === 'sending' || send.state === 'paused') && !confirmCancel && (
          <button type="button" className="button danger" onClick={() => setConfirmCancel(true)}>
            Cancel the send
          </button>
        )}
        {failed > 0 && (
          <button type="button" className="button" disabled={exporting} onClick={() => void exportFailures()}>
            {exporting ? 'Exporting…' : 'Export failures (CSV)'}
          </button>
        )}
      </div>
      {confirmCancel && (
        <div className="confirm-box" role="group" aria-label="Confirm cancelling the send">
          <p>
            Cancel this send? The {n(c.queued + c.deferred)} people not yet sent to will not get this email. This cannot
            be undone.
          </p>
          <button type="button" className="button danger" disabled={act.isPending} onClick={() => act.mutate('cancel')}>
            Yes, cancel the send
          </button>{' '}
          <button type="button" className="button" onClick={() => setConfirmCancel(false)}>
            No, keep sending
          </button>
        </div>
      )}
      <div role="status">{notice && <p className="notice">{notice}</p>}</div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </section>
  );
}
