import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { useHasRole } from '../auth/session-context.tsx';
import { allPages, csvText, downloadCsv, fileSlug } from './csv-download.ts';
import { ImportCsv } from './import-csv.tsx';
import { SuppressButton, SuppressionList } from './suppression-list.tsx';
import './subscribers.css';

/**
 * Email lists and their subscribers: create a list, add a person by hand,
 * see who is on a list (with each person's status), suppress them or take
 * them off it; import a CSV file (admins, uploaded in parts), export a list as
 * CSV (built here from pages), and the suppression list.
 */
export function SubscribersPage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const lists = useQuery({ queryKey: ['email', 'lists'], queryFn: () => client.call('email.lists.list', {}) });
  const [selected, setSelected] = useState<string | null>(null);
  const [listName, setListName] = useState('');
  const [listError, setListError] = useState<string | null>(null);
  const ids = { listName: useId(), listError: useId() };
  const createList = useMutation({
    mutationFn: (name: string) => client.call('email.lists.create', { name }),
    onSuccess: (list) => {
      setListName('');
      setListError(null);
      setSelected(list.id);
      void queryClient.invalidateQueries({ queryKey: ['email', 'lists'] });
    },
    onError: (error) => setListError(error.message),
  });
  const current = lists.data?.find((l) => l.id === selected) ?? null;

  return (
    <section aria-labelledby="subscribers-heading">
      <header className="page-header">
        <h1 id="subscribers-heading">Subscribers</h1>
      </header>
      {lists.isError && (
        <p role="alert" className="error-box">
          Could not load the email lists: {lists.error.message}
        </p>
      )}
      <form
        className="card"
        aria-label="New email list"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (listName.trim() === '') setListError('Give the list a name');
          else createList.mutate(listName.trim());
        }}
      >
        <div className="field">
          <label htmlFor={ids.listName}>New list name</label>
          {listError && (
            <p id={ids.listError} className="error-text">
              List name: {listError}
            </p>
          )}
          <input
            id={ids.listName}
            value={listName}
            maxLength={120}
            aria-invalid={listError ? true : undefined}
            aria-describedby={listError ? ids.listError : undefined}
            onChange={(e) => setListName(e.target.value)}
          />
        </div>
        <button type="submit" className="button primary" disabled={createList.isPending}>
          Create list
        </button>
      </form>
      {lists.data && lists.data.length === 0 && <p>There are no email lists yet.</p>}
      {lists.data && lists.data.length > 0 && (
        <ul className="channel-cards" aria-label="Email lists">
          {lists.data.map((l) => (
            <li key={l.id} className="card channel-card">
              <h2>{l.name}</h2>
              <p>
                {l.activeCount} active {l.activeCount === 1 ? 'subscriber' : 'subscribers'}
              </p>
              <button
                type="button"
                className="button"
                aria-pressed={l.id === selected}
                onClick={() => setSelected(l.id)}
              >
                Show subscribers<span className="visually-hidden"> of {l.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {current && <ListMembers key={current.id} listId={current.id} listName={current.name} />}
      <SuppressionList />
    </section>
  );
}

function ListMembers({ listId, listName }: { listId: string; listName: string }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const members = useQuery({
    queryKey: ['email', 'subscribers', listId],
    queryFn: () => client.call('email.subscribers.list', { listId, limit: 200 }),
  });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const ids = { email: useId(), name: useId(), error: useId(), heading: useId() };
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['email', 'subscribers', listId] });
    void queryClient.invalidateQueries({ queryKey: ['email', 'lists'] });
  };
  const add = useMutation({
    mutationFn: () =>
      client.call('email.subscribers.add', {
        listId,
        email,
        ...(name.trim() ? { name: name.trim() } : {}),
        consentSource: 'Added by hand in Town Crier',
      }),
    onSuccess: (added) => {
      setEmail('');
      setName('');
      setError(null);
      setNotice(
        added.status === 'active'
          ? `Added ${added.email} to ${listName}.`
          : `${added.email} is on ${listName}, but stays ${added.status}: Town Crier will not email them.`,
      );
      refresh();
    },
    onError: (e) => setError(e.message),
  });
  const isAdmin = useHasRole('admin');
  const [exporting, setExporting] = useState(false);
  async function exportList() {
    setExporting(true);
    setError(null);
    try {
      const rows = await allPages((after) =>
        client.call('email.subscribers.list', { listId, limit: 500, ...(after ? { after } : {}) }),
      );
      const name = `${fileSlug(listName)}.csv`;
      downloadCsv(
        name,
        csvText(
          ['email', 'name', 'status', 'consent_source', 'consent_at', 'status_changed_at'],
          rows.map((s) => [s.email, s.name, s.status, s.consentSource, s.consentAt, s.statusChangedAt]),
        ),
      );
      setNotice(`Exported ${rows.length.toLocaleString('en-GB')} people to ${name}.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setExporting(false);
    }
  }
  const remove = useMutation({
    mutationFn: (subscriberId: string) => client.call('email.subscribers.remove', { listId, subscriberId }),
    onSuccess: () => {
      setNotice('Removed from the list.');
      refresh();
    },
  });

  return (
    <section className="card" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{listName}</h2>
      <div role="status">{notice && <p className="notice">{notice}</p>}</div>
      <div className="list-tools">
        <button type="button" className="button" disabled={exporting} onClick={() => void exportList()}>
          {exporting ? 'Exporting…' : 'Export list as CSV'}
        </button>
      </div>
      <form
        aria-label={`Add a subscriber to ${listName}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        {error && (
          <p id={ids.error} className="error-text">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor={ids.email}>Email address</label>
          <input
            id={ids.email}
            type="email"
            autoComplete="off"
            value={email}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? ids.error : undefined}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.name}>Name (optional)</label>
          <input id={ids.name} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="button primary" disabled={add.isPending}>
          Add subscriber
        </button>
      </form>
      {isAdmin && <ImportCsv listId={listId} listName={listName} />}
      {members.isError && (
        <p role="alert" className="error-box">
          Could not load the subscribers: {members.error.message}
        </p>
      )}
      {members.data && members.data.items.length === 0 && <p>Nobody is on this list yet.</p>}
      {members.data && members.data.items.length > 0 && (
        <table className="subscribers-table">
          <caption>People on {listName}</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.items.map((s) => (
              <tr key={s.id}>
                <td>{s.email}</td>
                <td>{s.name ?? ''}</td>
                <td>{s.status}</td>
                <td>
                  <div className="row-actions">
                    <button type="button" className="button" onClick={() => remove.mutate(s.id)}>
                      Remove<span className="visually-hidden"> {s.email}</span>
                    </button>
                    {s.status === 'active' && <SuppressButton subscriberId={s.id} email={s.email} onDone={setNotice} />}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {members.data?.nextCursor && <p className="hint">Showing the first 200.</p>}
    </section>
  );
}
