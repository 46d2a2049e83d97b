/** Shown when the page was opened without the web host's token. */
export function NoConnection() {
  return (
    <main className="no-connection">
      <h1>Town Crier cannot connect</h1>
      <p>
        Open the full address that <code>npm run web</code> printed, including the part after <code>?token=</code>. The
        token changes every time the web host starts.
      </p>
    </main>
  );
}
