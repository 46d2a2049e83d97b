import { useQuery } from '@tanstack/react-query';
import { useClient } from '../client-context.tsx';

/** Whether this window's Town Crier is publishing, and where the data lives (is it the shared database?). */
export function StatusBar() {
  const client = useClient();
  const info = useQuery({ queryKey: ['app', 'info'], queryFn: () => client.call('app.info', {}) });
  const status = useQuery({
    queryKey: ['app', 'status'],
    queryFn: () => client.call('app.status', {}),
    refetchInterval: 10_000,
  });
  const data = info.data;
  const worker = status.data?.worker;
  return (
    <footer className="status-bar">
      {worker && (
        <span className="worker-status">
          {worker.state === 'running'
            ? `● Worker running${worker.sending > 0 ? ` · ${worker.sending} sending` : ''}`
            : worker.state === 'stopping'
              ? '◌ Worker stopping'
              : worker.state === 'off'
                ? '○ Worker stopped (another process publishes)'
                : '○ Worker stopped'}
          {' · '}
        </span>
      )}
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
