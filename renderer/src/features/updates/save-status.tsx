import type { SaveStatus } from './use-autosave.ts';
import { formatLondon } from '../../format-time.ts';

/** The autosave state in words, announced politely to screen readers. */
export function SaveStatusText({ status, onReload }: { status: SaveStatus; onReload: () => void }) {
  switch (status.kind) {
    case 'saved':
      return (
        <p className="save-status" role="status" aria-live="polite">
          <span aria-hidden="true">✓ </span>Saved {formatLondon(status.at)}
        </p>
      );
    case 'unsaved':
      return (
        <p className="save-status" role="status" aria-live="polite">
          Unsaved changes
        </p>
      );
    case 'saving':
      return (
        <p className="save-status" role="status" aria-live="polite">
          Saving…
        </p>
      );
    case 'conflict':
      return (
        <div className="save-status error-box" role="alert">
          <p>{status.message}</p>
          <button type="button" className="button" onClick={onReload}>
            Reload this update
          </button>
        </div>
      );
    case 'error':
      return (
        <p className="save-status error-text" role="alert">
          <span aria-hidden="true">⚠ </span>Not saved: {status.message}
        </p>
      );
  }
}
