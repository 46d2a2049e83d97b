/**
 * Small status icons drawn as SVG, so they look the same on every computer
 * (emoji fonts are missing on many Linux desktops). Decorative: the word next
 * to each icon carries the meaning, since status is never shown by colour or icon alone.
 */
export function StatusIcon({ kind }: { kind: 'blocked' | 'info' | 'warn' | 'ok' }) {
  return (
    <svg className={`status-icon status-icon-${kind}`} width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      {kind === 'blocked' && (
        <>
          <circle cx="8" cy="8" r="7" fill="currentColor" />
          <rect x="4" y="7" width="8" height="2" fill="#fff" />
        </>
      )}
      {kind === 'info' && (
        <>
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <rect x="7.25" y="7" width="1.5" height="5" fill="currentColor" />
          <rect x="7.25" y="4" width="1.5" height="1.5" fill="currentColor" />
        </>
      )}
      {kind === 'warn' && (
        <>
          <path d="M8 1.5 15 14.5H1z" fill="currentColor" />
          <rect x="7.25" y="6" width="1.5" height="4.5" fill="#fff" />
          <rect x="7.25" y="11.5" width="1.5" height="1.5" fill="#fff" />
        </>
      )}
      {kind === 'ok' && <path d="M2.5 8.5 6 12l7.5-8" fill="none" stroke="currentColor" strokeWidth="2.2" />}
    </svg>
  );
}
