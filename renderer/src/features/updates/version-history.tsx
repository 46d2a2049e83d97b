import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { docToHtml } from '../../../../shared/content/render.ts';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';

/**
 * Every saved version of an update, newest first. A version can be viewed,
 * and restored: restoring saves the old content as a new version, so nothing is lost.
 */
export function VersionHistory({
  id,
  currentRevision,
  onRestore,
}: {
  id: string;
  currentRevision: number;
  onRestore: (revision: number) => Promise<void>;
}) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [viewing, setViewing] = useState<number | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();
  const versions = useQuery({
    queryKey: ['updates', 'versions', id, currentRevision],
    queryFn: () => client.call('updates.versions', { id }),
    enabled: open,
  });
  const version = useQuery({
    queryKey: ['updates', 'version', id, viewing],
    queryFn: () => client.call('updates.version', { id, revision: viewing ?? 1 }),
    enabled: viewing !== null,
  });

  const restore = async (revision: number) => {
    setRestoring(revision);
    setError(null);
    try {
      await onRestore(revision);
      setViewing(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRestoring(null);
    }
  };

  return (
    <details className="history" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Version history</summary>
      {versions.isPending && open && <p aria-live="polite">Loading versions…</p>}
      {versions.isError && <p role="alert">Could not load versions: {versions.error.message}</p>}
      {error && (
        <p role="alert" className="error-text">
          Could not restore: {error}
        </p>
      )}
      {versions.data && (
        <ol className="version-list" aria-label="Saved versions">
          {versions.data.map((v) => (
            <li key={v.revision}>
              <span>
                Version {v.revision}
                {v.revision === currentRevision ? ' (current)' : ''} · {v.title || 'Untitled'} ·{' '}
                <time dateTime={v.savedAt}>{formatLondon(v.savedAt)}</time>
              </span>
              <button
                type="button"
                className="button"
                aria-expanded={viewing === v.revision}
                onClick={() => setViewing(viewing === v.revision ? null : v.revision)}
              >
                {viewing === v.revision ? 'Hide' : 'View'}
                <span className="visually-hidden"> version {v.revision}</span>
              </button>
              {v.revision !== currentRevision && (
                <button
                  type="button"
                  className="button"
                  disabled={restoring !== null}
                  onClick={() => void restore(v.revision)}
                >
                  {restoring === v.revision ? 'Restoring…' : 'Restore'}
                  <span className="visually-hidden"> version {v.revision}</span>
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {viewing !== null && version.data && (
        <section className="version-view" aria-labelledby={headingId}>
          <h2 id={headingId}>
            Version {version.data.revision}: {version.data.title || 'Untitled'}
          </h2>
          {version.data.summary && <p className="version-summary">{version.data.summary}</p>}
          {/* Rendered here from the stored JSON by the shared renderer, which escapes all text. */}
          <div className="version-body" dangerouslySetInnerHTML={{ __html: docToHtml(version.data.body) }} />
        </section>
      )}
    </details>
  );
}
