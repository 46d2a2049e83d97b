import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { useHasRole } from '../auth/session-context.tsx';
import { ChannelCard, HealthLine } from './channel-card.tsx';
import { ConnectChannelForm } from './connect-channel-form.tsx';
import './channels.css';

/**
 * The connected channel targets with Test connection (and, for admins, Replace
 * credentials and Disconnect), and "Connect a channel" (admins) with a form
 * built from each kind's settings schema and declared secrets.
 */
export function ChannelsPage() {
  const client = useClient();
  // Its own key under ['channels', 'list'] (the publish panel's list has no disconnected ones); invalidated together.
  const targets = useQuery({
    queryKey: ['channels', 'list', 'with-disconnected'],
    queryFn: () => client.call('channels.list', { includeDisconnected: true }),
  });
  const connected = targets.data?.filter((t) => t.health?.state !== 'disconnected');
  const disconnected = targets.data?.filter((t) => t.health?.state === 'disconnected') ?? [];
  const kinds = useQuery({ queryKey: ['channels', 'kinds'], queryFn: () => client.call('channels.kinds', {}) });
  const [connecting, setConnecting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const isAdmin = useHasRole('admin');

  return (
    <section aria-labelledby="channels-heading">
      <header className="page-header">
        <h1 id="channels-heading">Channels</h1>
        {isAdmin && !connecting && kinds.data && kinds.data.length > 0 && (
          <button type="button" className="button primary" onClick={() => setConnecting(true)}>
            Connect a channel
          </button>
        )}
      </header>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {(targets.isError || kinds.isError) && (
        <p role="alert" className="error-box">
          Could not load the channels: {(targets.error ?? kinds.error)?.message}
        </p>
      )}
      {!isAdmin && <p>An admin connects channels and replaces their passwords. You can test a connection.</p>}
      {kinds.data && kinds.data.length === 0 && <p>This Town Crier has no channel kinds it can publish to yet.</p>}
      {connecting && kinds.data && (
        <section className="card" aria-labelledby="connect-heading">
          <h2 id="connect-heading">Connect a channel</h2>
          <ConnectChannelForm
            kinds={kinds.data}
            onDone={(name) => {
              setConnecting(false);
              setNotice(`Connected “${name}”.`);
            }}
          />
          <button type="button" className="button" onClick={() => setConnecting(false)}>
            Cancel
          </button>
        </section>
      )}
      {connected && connected.length === 0 && !connecting && <p>No channels are connected yet.</p>}
      {connected && connected.length > 0 && (
        <ul className="channel-cards" aria-label="Connected channels">
          {connected.map((t) => (
            <ChannelCard
              key={t.id}
              target={t}
              kind={kinds.data?.find((k) => k.kind === t.kind)}
              isAdmin={isAdmin}
              onNotice={setNotice}
            />
          ))}
        </ul>
      )}
      {disconnected.length > 0 && (
        <table className="disconnected-channels">
          <caption>Disconnected channels (kept because the queue’s history names them)</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Status and next step</th>
            </tr>
          </thead>
          <tbody>
            {disconnected.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name}</th>
                <td>{kinds.data?.find((k) => k.kind === t.kind)?.displayName ?? t.kind}</td>
                <td>{t.health && <HealthLine health={t.health} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
