import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { useHasRole } from '../auth/session-context.tsx';
import { allPages, csvText, downloadCsv } from './csv-download.ts';

const STATUS_WORDS: Record<string, string> = {
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained (marked as spam)',
  active: 'Active',
};

/** "27 November 2026, 14:05" in UK time. */
export function ukTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * The suppression list: addresses no list will mail (unsubscribed, bounced,
 * complained), each with its reason and date. An admin can take one off with
 * a reason (audited); anyone can download it as CSV.
 */
export function SuppressionList() {
  const client = useClient();
  const isAdmin = useHasRole('admin');
  const page = useQuery({
    queryKey: ['email', 'suppressed'],
    queryFn: () => client.call('email.suppressed.list', { limit: 200 }),
  });
  const [notice, setNotice] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useId();

  async function exportAll() {
    setExporting(true);
    setError(null);
    try {
      const rows = await allPages((after) =>
        client.call('email.suppressed.list', { limit: 500, ...(after ? { after } : {}) }),
      );
      downloadCsv(
        'suppression-list.csv',
        csvText(
          ['email', 'name', 'status', 'reason', 'changed_at'],
          rows.map((s) => [s.email, s.name, s.status, s.statusReason, s.statusChangedAt]),
        ),
      );
      setNotice(`Exported ${rows.length.toLocaleString('en-GB')} suppressed addresses to suppression-list.csv.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setExporting(false);
    }
  }

  return (
    <section className="card" aria-labelledby={heading}>
      <h2 id={heading}>Suppression list</h2>
      <p className="hint">
        Nobody here is emailed by any list, whichever list they are on. Addresses join it when they unsubscribe, bounce
        or complain, or when someone suppresses them.
      </p>
      <div role="status">{notice && <p className="notice">{notice}</p>}</div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <button type="button" className="button" disabled={exporting} onClick={() => void exportAll()}>
        {exporting ? 'Exporting…' : 'Export suppression list as CSV'}
      </button>
      {page.isError && (
        <p role="alert" className="error-box">
          Could not load the suppression list: {page.error.message}
        </p>
      )}
      {page.data && page.data.items.length === 0 && <p>No address is suppressed.</p>}
      {page.data && page.data.items.length > 0 && (
        <table className="subscribers-table">
          <caption>Suppressed addresses</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Why</th>
              <th scope="col">Reason</th>
              <th scope="col">Since</th>
              {isAdmin && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((s) => (
              <tr key={s.id}>
                <td>{s.email}</td>
                <td>{STATUS_WORDS[s.status] ?? s.status}</td>
                <td>{s.statusReason ?? ''}</td>
                <td>
                  <time dateTime={s.statusChangedAt}>{ukTime(s.statusChangedAt)}</time>
                </td>
                {isAdmin && (
                  <td>
                    <Unsuppress subscriberId={s.id} email={s.email} onDone={setNotice} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.data?.nextCursor && <p className="hint">Showing the first 200; the export has them all.</p>}
    </section>
  );
}

function Unsuppress({
  subscriberId,
  email,
  onDone,
}: {
  subscriberId: string;
  email: string;
  onDone: (m: string) => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = { reason: useId(), error: useId() };
  const remove = useMutation({
    mutationFn: () => client.call('email.subscribers.unsuppress', { subscriberId, reason }),
    onSuccess: () => {
      onDone(`${email} was taken off the suppression list: their lists will email them again.`);
      void queryClient.invalidateQueries({ queryKey: ['email'] });
    },
    onError: (e) => setError(e.message),
  });
  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Remove from suppression<span className="visually-hidden"> {email}</span>
      </button>
    );
  }
  return (
    <form
      className="confirm-box"
      aria-label={`Remove ${email} from the suppression list`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() === '') setError('Give a reason');
        else remove.mutate();
      }}
    >
      {error && (
        <p id={ids.error} className="error-text">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor={ids.reason}>Why may Town Crier email {email} again?</label>
        <input
          id={ids.reason}
          value={reason}
          maxLength={300}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <button type="submit" className="button primary" disabled={remove.isPending}>
        Remove from suppression
      </button>{' '}
      <button type="button" className="button" onClick={() => setOpen(false)}>
        Keep suppressed
      </button>
    </form>
  );
}

/** "Suppress" on a person's row: choose why and give a reason; every list stops emailing them. */
export function SuppressButton({
  subscriberId,
  email,
  onDone,
}: {
  subscriberId: string;
  email: string;
  onDone: (m: string) => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<'unsubscribed' | 'bounced' | 'complained'>('unsubscribed');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = { reason: useId(), status: useId(), error: useId() };
  const suppress = useMutation({
    mutationFn: () => client.call('email.subscribers.suppress', { subscriberId, status, reason }),
    onSuccess: () => {
      onDone(`${email} is suppressed: no list will email them.`);
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: ['email'] });
    },
    onError: (e) => setError(e.message),
  });
  if (!open) {
    return (
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Suppress<span className="visually-hidden"> {email}</span>
      </button>
    );
  }
  return (
    <form
      className="confirm-box"
      aria-label={`Suppress ${email}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() === '') setError('Give a reason');
        else suppress.mutate();
      }}
    >
      {error && (
        <p id={ids.error} className="error-text">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor={ids.status}>Why suppress {email}?</label>
        <select id={ids.status} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="unsubscribed">They asked to unsubscribe</option>
          <option value="bounced">Their address bounces</option>
          <option value="complained">They marked our email as spam</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.reason}>Reason</label>
        <input
          id={ids.reason}
          value={reason}
          maxLength={300}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <button type="submit" className="button primary" disabled={suppress.isPending}>
        Suppress
      </button>{' '}
      <button type="button" className="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
