import { useId, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { MethodOutput } from '../../../../shared/contract.ts';
import { useClient } from '../../client-context.tsx';
import { csvText, downloadCsv, fileParts, fileSlug } from './csv-download.ts';

type Report = MethodOutput<'email.import.finish'>;

/** Parts sent to the core: well under its 1 MB limit, so progress moves often on a slow line. */
const PART_BYTES = 512 * 1024;

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/**
 * "Import subscribers from a CSV file": the browser reads the chosen file in
 * parts and sends them through `email.import.begin | chunk | finish`, which
 * feed the core's streaming importer, so a 200,000-row file works from a web
 * browser too. Shows progress, then the report with a table of bad rows that
 * can be downloaded as CSV.
 */
export function ImportCsv({ listId, listName }: { listId: string; listName: string }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const ids = { file: useId(), consent: useId(), error: useId(), heading: useId(), progress: useId() };
  const fileInput = useRef<HTMLInputElement>(null);
  const [consent, setConsent] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ sent: number; total: number; name: string } | null>(null);
  const [report, setReport] = useState<(Report & { fileName: string }) | null>(null);

  async function run(file: File, consentSource: string) {
    setError(null);
    setReport(null);
    setProgress({ sent: 0, total: file.size, name: file.name });
    let importId: string | undefined;
    try {
      const begun = await client.call('email.import.begin', { listId, fileName: file.name, consentSource });
      importId = begun.importId;
      let sequence = 0;
      for await (const part of fileParts(file, Math.min(PART_BYTES, begun.maxChunkBytes))) {
        await client.call('email.import.chunk', { importId, sequence, text: part.text });
        sequence++;
        setProgress({ sent: part.bytesRead, total: file.size, name: file.name });
      }
      const done = await client.call('email.import.finish', { importId, parts: sequence });
      importId = undefined;
      setReport({ ...done, fileName: file.name });
      if (fileInput.current) fileInput.current.value = '';
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      if (importId) void client.call('email.import.abandon', { importId }).catch(() => undefined);
    } finally {
      setProgress(null);
      void queryClient.invalidateQueries({ queryKey: ['email'] });
    }
  }

  const busy = progress !== null;
  const percent = progress && progress.total > 0 ? Math.floor((progress.sent / progress.total) * 100) : 0;
  return (
    <section className="import-csv" aria-labelledby={ids.heading}>
      <h3 id={ids.heading}>Import from a spreadsheet</h3>
      <p className="hint">
        The first line names the columns: one called “email”, and “name” if you have names. Addresses already here (in
        any case) are merged, and unsubscribed or bounced addresses stay suppressed.
      </p>
      <form
        aria-label={`Import subscribers into ${listName}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const file = fileInput.current?.files?.[0];
          if (!file) setError('Choose a CSV file to import');
          else if (consent.trim() === '') setError('Say where consent came from');
          else void run(file, consent.trim());
        }}
      >
        {error && (
          <p id={ids.error} role="alert" className="error-text">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor={ids.file}>Import subscribers from a CSV file</label>
          <input
            id={ids.file}
            ref={fileInput}
            type="file"
            accept=".csv,text/csv"
            disabled={busy}
            aria-describedby={error ? ids.error : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.consent}>Where consent came from</label>
          <p className="hint" id={`${ids.consent}-hint`}>
            For example “Website sign-up form, 2024”. It is kept with each new address.
          </p>
          <input
            id={ids.consent}
            value={consent}
            maxLength={200}
            disabled={busy}
            aria-describedby={`${ids.consent}-hint`}
            onChange={(e) => setConsent(e.target.value)}
          />
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Importing…' : 'Start import'}
        </button>
      </form>
      <div role="status" className="import-status">
        {progress && (
          <>
            <label htmlFor={ids.progress}>
              Importing {progress.name}: {percent}% read
            </label>
            <progress id={ids.progress} max={100} value={percent} />
          </>
        )}
        {report && <ImportSummary report={report} />}
      </div>
      {report && report.problems.length > 0 && <BadRows report={report} listName={listName} />}
    </section>
  );
}

function ImportSummary({ report }: { report: Report & { fileName: string } }) {
  return (
    <div className="import-report">
      <p>
        Imported {report.fileName}: {count(report.rows, 'row', 'rows')} read.
      </p>
      <ul>
        <li>{count(report.added, 'new subscriber', 'new subscribers')} added</li>
        <li>{count(report.alreadySubscribed, 'address was', 'addresses were')} already here (merged)</li>
        <li>{count(report.duplicatesInFile, 'row repeated', 'rows repeated')} an address earlier in the file</li>
        <li>{count(report.suppressed, 'address stays', 'addresses stay')} suppressed (not reactivated)</li>
        <li>{count(report.badRows, 'bad row was', 'bad rows were')} not imported</li>
      </ul>
    </div>
  );
}

function BadRows({ report, listName }: { report: Report & { fileName: string }; listName: string }) {
  const shown = report.problems.slice(0, 500);
  return (
    <div className="bad-rows">
      <button
        type="button"
        className="button"
        onClick={() =>
          downloadCsv(
            `bad-rows-${fileSlug(listName)}.csv`,
            csvText(
              ['line', 'value', 'reason'],
              report.problems.map((p) => [p.line, p.value, p.reason]),
            ),
          )
        }
      >
        Download the bad rows (CSV)
      </button>
      {report.problemsNotListed > 0 && (
        <p className="hint">
          {count(report.problemsNotListed, 'more bad row is', 'more bad rows are')} counted but not listed: fix the file
          and import it again.
        </p>
      )}
      <table className="subscribers-table">
        <caption>Bad rows in {report.fileName}</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Value</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr key={p.line}>
              <td>{p.line}</td>
              <td className="cell-value">{p.value}</td>
              <td>{p.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.problems.length > shown.length && (
        <p className="hint">
          Showing the first 500 of {count(report.problems.length, 'bad row', 'bad rows')}; the download has them all.
        </p>
      )}
    </div>
  );
}
