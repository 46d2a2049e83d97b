import { StatusIcon } from '../../components/status-icon.tsx';
import type { Finding } from '../../../../shared/content/checks.ts';

/** The content checklist: what must be fixed before sending, then advice, each with its place. */
export function ChecksPanel({ findings }: { findings: Finding[] }) {
  const blocking = findings.filter((f) => f.severity === 'blocking').length;
  const advice = findings.length - blocking;
  return (
    <section className="checks" aria-labelledby="checks-heading">
      <h2 id="checks-heading">Checks</h2>
      {blocking > 0 && (
        <p className="checks-blocked">
          <StatusIcon kind="blocked" />{' '}
          <strong>
            Cannot be sent yet: {blocking} {blocking === 1 ? 'problem' : 'problems'} to fix
          </strong>
        </p>
      )}
      <p>
        {findings.length === 0
          ? 'No problems found.'
          : `${blocking} to fix before sending · ${advice} ${advice === 1 ? 'piece' : 'pieces'} of advice`}
      </p>
      {findings.length > 0 && (
        <ul className="finding-list">
          {findings.map((f) => (
            <li key={f.id} className={`finding finding-${f.severity}`}>
              <span className="finding-kind">
                <StatusIcon kind={f.severity === 'blocking' ? 'blocked' : 'info'} />{' '}
                {f.severity === 'blocking' ? 'Must fix' : 'Advice'}
              </span>{' '}
              <span className="finding-where">{f.where}:</span> {f.message}
              {f.fix && <span className="finding-fix"> {f.fix}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
