import { useId, useMemo, useState, type ReactNode } from 'react';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import type { AuditEntry, AuditFilter, AuditVerification } from '../../../../shared/domain/audit.ts';
import { useClient } from '../../client-context.tsx';
import { hrefFor } from '../../router.ts';
import { useHasRole } from '../auth/session-context.tsx';
import { TextField } from '../../components/text-field.tsx';
import {
  actionGroups,
  actionInWords,
  csvFileName,
  detailsInWords,
  formatAuditTime,
  londonDayRange,
  subjectInWords,
} from './audit-words.ts';
import '../people/people.css';
import './audit.css';

const PAGE_SIZE = 50;

type Draft = { action: string; actorId: string; from: string; to: string };
const EMPTY: Draft = { action: '', actorId: '', from: '', to: '' };

/**
 * The audit log (admins and approvers): newest first, filtered by action,
 * person and UK dates, "Show older" paging, CSV export of the same filter,
 * and a check of the hash chain in plain words.
 */
export function AuditPage() {
  const isAdmin = useHasRole('admin');
  const isApprover = useHasRole('approver');
  if (!isAdmin && !isApprover) {
    return (
      <section aria-labelledby="audit-heading" className="audit">
        <h1 id="audit-heading">Audit log</h1>
        <p>
          The audit log names everyone’s actions, so only admins and approvers can read it. Ask an admin if you need to
          see it.
        </p>
      </section>
    );
  }
  return <AuditLogView />;
}

function AuditLogView() {
  const client = useClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>({});
  const [dateError, setDateError] = useState<{ field: 'from' | 'to'; message: string } | null>(null);
  const people = useQuery({ queryKey: ['people', 'list'], queryFn: () => client.call('people.list', {}) });
  const names = useMemo(() => new Map((people.data ?? []).map((p) => [p.id, p.name])), [people.data]);
  const log = useInfiniteQuery({
    queryKey: ['audit', 'list', filter],
    queryFn: ({ pageParam }) =>
      client.call('audit.list', { ...filter, limit: PAGE_SIZE, ...(pageParam ? { beforeSeq: pageParam } : {}) }),
    initialPageParam: 0,
    getNextPageParam: (last) => last.nextBeforeSeq ?? undefined,
  });
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.keys(filter).length > 0;

  const apply = () => {
    const range = londonDayRange(draft.from, draft.to);
    if ('error' in range) {
      setDateError({ field: range.field, message: range.error });
      return;
    }
    setDateError(null);
    const next: AuditFilter = {
      ...(draft.action ? { action: draft.action } : {}),
      ...(draft.actorId ? { actorId: draft.actorId } : {}),
      ...range,
    };
    // The same filters again: read the log again, for anything recorded since.
    if (JSON.stringify(next) === JSON.stringify(filter)) void log.refetch();
    else setFilter(next);
  };

  return (
    <section aria-labelledby="audit-heading" className="audit">
      <header className="page-header">
        <h1 id="audit-heading">Audit log</h1>
      </header>
      <p className="hint audit-intro">
        Every action in Town Crier, newest first. Records cannot be changed or deleted; each holds the hash of the one
        before it, so “Check the chain” shows whether any record was altered behind the app’s back. Times are UK time.
      </p>
      <ChainCheck />
      <form
        className="card audit-filters"
        aria-label="Filter the audit log"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <SelectField label="Action" value={draft.action} onChange={(action) => setDraft((d) => ({ ...d, action }))}>
          <option value="">Any action</option>
          {actionGroups().map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.actions.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </optgroup>
          ))}
        </SelectField>
        <SelectField label="Person" value={draft.actorId} onChange={(actorId) => setDraft((d) => ({ ...d, actorId }))}>
          <option value="">Anyone</option>
          {(people.data ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.disabled ? ' (disabled)' : ''}
            </option>
          ))}
        </SelectField>
        <TextField
          className="date-field"
          label="From"
          value={draft.from}
          onChange={(from) => setDraft((d) => ({ ...d, from }))}
          hint="Day/month/year, e.g. 26/11/2026"
          error={dateError?.field === 'from' ? dateError.message : undefined}
        />
        <TextField
          className="date-field"
          label="To"
          value={draft.to}
          onChange={(to) => setDraft((d) => ({ ...d, to }))}
          hint="Included in full"
          error={dateError?.field === 'to' ? dateError.message : undefined}
        />
        <div className="audit-filter-buttons">
          <button type="submit" className="button primary">
            Show
          </button>
          <button
            type="button"
            className="button"
            disabled={!filtered && Object.values(draft).every((v) => v === '')}
            onClick={() => {
              setDraft(EMPTY);
              setDateError(null);
              setFilter({});
            }}
          >
            Clear filters
          </button>
        </div>
        {dateError && (
          <p role="alert" className="visually-hidden">
            {dateError.message}
          </p>
        )}
      </form>
      <div className="audit-toolbar">
        <p role="status" className="audit-count">
          {log.isSuccess &&
            (items.length === 0
              ? filtered
                ? 'No records match these filters.'
                : 'The log is empty.'
              : `Showing ${items.length} ${items.length === 1 ? 'record' : 'records'}${
                  log.hasNextPage ? ' (there are older ones)' : ''
                }${filtered ? ' matching the filters' : ''}.`)}
        </p>
        <ExportCsv key={JSON.stringify(filter)} filter={filter} />
      </div>
      {log.isError && (
        <p role="alert" className="error-box">
          Could not read the audit log: {log.error.message}
        </p>
      )}
      {log.isPending && <p>Loading…</p>}
      {items.length > 0 && <AuditTable items={items} names={names} />}
      {log.hasNextPage && (
        <button
          type="button"
          className="button show-older"
          disabled={log.isFetchingNextPage}
          onClick={() => void log.fetchNextPage()}
        >
          {log.isFetchingNextPage ? 'Loading older records…' : 'Show older'}
        </button>
      )}
    </section>
  );
}

function SelectField(props: { label: string; value: string; onChange: (v: string) => void; children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.children}
      </select>
    </div>
  );
}

function AuditTable({ items, names }: { items: AuditEntry[]; names: ReadonlyMap<string, string> }) {
  return (
    <div className="table-scroll card audit-table-card">
      <table className="data-table audit-table">
        <caption className="visually-hidden">Audit log records, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Time</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Subject</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => {
            const details = detailsInWords(e);
            return (
              <tr key={e.seq} data-seq={e.seq}>
                <th scope="row" className="audit-seq">
                  {e.seq}
                </th>
                <td className="audit-time">
                  <time dateTime={e.at}>{formatAuditTime(e.at)}</time>
                </td>
                <td>{e.actorName}</td>
                <td>
                  {actionInWords(e.action)}
                  {details && <span className="audit-details">{details}</span>}
                </td>
                <td className="audit-subject">
                  {e.subjectType === 'update' && e.subjectId && /^[0-9a-f-]{36}$/.test(e.subjectId) ? (
                    <a href={hrefFor({ page: 'update', id: e.subjectId })}>{subjectInWords(e, names)}</a>
                  ) : (
                    subjectInWords(e, names)
                  )}
                </td>
                <td>
                  <code className="audit-hash" title={e.hash}>
                    {e.hash.slice(0, 12)}
                  </code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Downloads the filtered log as CSV (all matching records, oldest first, with the hashes). */
function ExportCsv({ filter }: { filter: AuditFilter }) {
  const client = useClient();
  const [notice, setNotice] = useState<string | null>(null);
  const exportCsv = useMutation({
    mutationFn: () => client.call('audit.exportCsv', filter),
    onMutate: () => setNotice(null),
    onSuccess: ({ csv, rows }) => {
      const name = csvFileName();
      // A byte-order mark so Excel reads the names as UTF-8.
      const url = URL.createObjectURL(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setNotice(`Exported ${rows} ${rows === 1 ? 'record' : 'records'} to ${name}.`);
    },
  });
  return (
    <div className="audit-export">
      <button type="button" className="button" disabled={exportCsv.isPending} onClick={() => exportCsv.mutate()}>
        {exportCsv.isPending ? 'Exporting…' : 'Export as CSV'}
      </button>
      <div role="status">{notice && <p className="hint">{notice}</p>}</div>
      {exportCsv.isError && (
        <p role="alert" className="error-text">
          Could not export: {exportCsv.error.message}
        </p>
      )}
    </div>
  );
}

function verdict(result: AuditVerification): string {
  if (result.ok) {
    return result.rows === 0
      ? 'The log has no records yet.'
      : `All ${result.rows.toLocaleString('en-GB')} records are intact.`;
  }
  return `Record ${result.firstBrokenSeq} has been changed or removed: ${result.reason}.`;
}

/** "Check the chain": the whole log's hash chain checked by the core, the answer in plain words. */
function ChainCheck() {
  const client = useClient();
  const check = useMutation({ mutationFn: () => client.call('audit.verify', {}) });
  const result = check.data;
  return (
    <div className="chain-check">
      <button type="button" className="button" disabled={check.isPending} onClick={() => check.mutate()}>
        {check.isPending ? 'Checking…' : 'Check the chain'}
      </button>
      <div role="status">
        {result?.ok && (
          <p className="notice">
            <span aria-hidden="true">✓ </span>
            {verdict(result)}
          </p>
        )}
      </div>
      <div role="alert">
        {result && !result.ok && (
          <p className="error-box">
            <span aria-hidden="true">⚠ </span>
            {verdict(result)} Keep a copy of the log (Export as CSV) and tell whoever looks after the database.
          </p>
        )}
        {check.isError && <p className="error-box">Could not check the chain: {check.error.message}</p>}
      </div>
    </div>
  );
}
