import { useQuery } from '@tanstack/react-query';
import { useClient } from '../client-context.tsx';

/** Where the data lives, so a team knows whether it is on the shared database. */
export function StatusBar() {
  const client = useClient();
  const info = useQuery({ queryKey: ['app', 'info'], queryFn: () => client.call('app.info', {}) });
  const data = info.data;
  return (
    <footer className="status-bar">
      {info.isError ? (
        <span role="alert">Cannot reach Town Crier: {info.error.message}</span>
      ) : data ? (
        <span>
          {data.storage.engine === 'postgres' ? 'Team database' : 'This computer'} · {data.storage.location} · v
          {data.version}
        </span>
      ) : (
        <span>Connecting…</span>
      )}
    </footer>
  );
}
