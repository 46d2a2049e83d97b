import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { ConnectChannelForm } from './connect-channel-form.tsx';

/** The connected channel targets, and "Connect a channel" with a form built from each kind's settings schema. */
export function ChannelsPage() {
  const client = useClient();
  const targets = useQuery({ queryKey: ['channels', 'list'], queryFn: () => client.call('channels.list', {}) });
  const kinds = useQuery({ queryKey: ['channels', 'kinds'], queryFn: () => client.call('channels.kinds', {}) });
  const [connecting, setConnecting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const kindName = (kind: string) => kinds.data?.find((k) => k.kind === kind)?.displayName ?? kind;

  return (
    <section aria-labelledby="channels-heading">
      <header className="page-header">
        <h1 id="channels-heading">Channels</h1>
        {!connecting && kinds.data && kinds.data.length > 0 && (
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
      {targets.data && targets.data.length === 0 && !connecting && <p>No channels are connected yet.</p>}
      {targets.data && targets.data.length > 0 && (
        <ul className="channel-cards" aria-label="Connected channels">
          {targets.data.map((t) => (
            <li key={t.id} className="card channel-card">
              <h2>{t.name}</h2>
              <p>{kindName(t.kind)}</p>
              <p className="hint">
                Status: not tested (“Test connection” and “Disconnect” are not built yet) · connected{' '}
                <time dateTime={t.createdAt}>{formatLondon(t.createdAt)}</time>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
