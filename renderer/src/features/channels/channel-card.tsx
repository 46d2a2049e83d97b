import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChannelHealth, ChannelKindInfo, ChannelTarget } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { fieldErrorOf } from './connect-channel-form.tsx';
import { missingSecrets, SecretFields } from './secret-fields.tsx';
import { EditSettingsForm } from './edit-settings-form.tsx';
import { StatusIcon } from '../../components/status-icon.tsx';

const HEALTH_WORDS = {
  connected: { word: 'Connected', icon: 'ok' },
  needs_reconnecting: { word: 'Needs reconnecting', icon: 'warn' },
  not_tested: { word: 'Not tested', icon: 'info' },
  disconnected: { word: 'Disconnected', icon: 'blocked' },
} as const;

/** The card's stored status: icon and word (never colour alone), why, and the next step. */
export function HealthLine({ health }: { health: ChannelHealth }) {
  const look = HEALTH_WORDS[health.state];
  return (
    <div className={`channel-health channel-health-${health.state}`}>
      <p>
        <StatusIcon kind={look.icon} /> <strong>{look.word}</strong>
        {health.lastTestedAt && (
          <>
            {' '}
            · last tested <time dateTime={health.lastTestedAt}>{formatLondon(health.lastTestedAt)}</time>
          </>
        )}
      </p>
      {health.reason && <p>{health.reason}</p>}
      {health.nextStep && (
        <p>
          <strong>Next step:</strong> {health.nextStep}
        </p>
      )}
    </div>
  );
}

/**
 * One connected channel: its name and kind, and Test connection (everyone
 * who may publish), Replace credentials and Disconnect (admins). Results are
 * announced: the test's in a status region, refusals as alerts.
 */
export function ChannelCard({
  target,
  kind,
  isAdmin,
  onNotice,
}: {
  target: ChannelTarget;
  kind: ChannelKindInfo | undefined;
  isAdmin: boolean;
  onNotice: (message: string) => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const headingId = useId();
  const [mode, setMode] = useState<'idle' | 'replace' | 'confirm' | 'edit'>('idle');
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const secretSpecs = kind?.secrets ?? [];

  const test = useMutation({
    mutationFn: () => client.call('channels.test', { targetId: target.id }),
    // The card's stored status follows the test's result.
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['channels', 'list'] }),
  });
  // A test can also learn the channel's own limits (a Mastodon server's); the compose counters read them from the list.
  const postLimit = target.knownLimits?.mastodonLimit;
  const replace = useMutation({
    mutationFn: () => client.call('channels.setSecrets', { targetId: target.id, secrets }),
    onSuccess: () => {
      setSecrets({});
      setErrors({});
      setMode('idle');
      test.reset();
      void queryClient.invalidateQueries({ queryKey: ['channels', 'list'] });
      onNotice(`Saved new credentials for “${target.name}”. Test the connection, then retry its deliveries.`);
    },
    onError: (error) => {
      const named = fieldErrorOf(error);
      if (named) setErrors({ [named.field]: named.message });
    },
  });
  const remove = useMutation({
    mutationFn: () => client.call('channels.remove', { targetId: target.id }),
    onSuccess: () => {
      onNotice(`Disconnected “${target.name}”. Its passwords and tokens were deleted.`);
      void queryClient.invalidateQueries({ queryKey: ['channels', 'list'] });
    },
  });

  return (
    <li className="card channel-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{target.name}</h2>
      <p>{kind?.displayName ?? target.kind}</p>
      <p className="hint">
        Connected <time dateTime={target.createdAt}>{formatLondon(target.createdAt)}</time>
      </p>
      {postLimit !== undefined && (
        <p className="hint">
          Posts of up to {postLimit.toLocaleString('en-GB')} characters (this server&rsquo;s limit)
        </p>
      )}
      {target.health && <HealthLine health={target.health} />}
      <div role="status" className="test-result">
        {test.isPending && 'Testing the connection…'}
        {test.data?.ok === true && (
          <>
            <span aria-hidden="true">✓ </span>Connection works
            {test.data.account ? `: signed in as ${test.data.account}` : ''}.
          </>
        )}
        {test.data?.ok === false && (
          <>
            <span aria-hidden="true">⚠ </span>Connection failed: {test.data.message}
          </>
        )}
        {test.isError && `Could not test: ${test.error.message}`}
      </div>
      {mode === 'replace' && (
        <form
          className="connect-form"
          aria-label={`Replace the credentials of ${target.name}`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const missing = missingSecrets(secretSpecs, secrets);
            setErrors(missing);
            if (Object.keys(missing).length === 0) replace.mutate();
          }}
        >
          <SecretFields
            secrets={secretSpecs}
            values={secrets}
            errors={errors}
            onChange={(name, value) => setSecrets((v) => ({ ...v, [name]: value }))}
          />
          {replace.isError && !fieldErrorOf(replace.error) && (
            <p role="alert" className="error-text">
              {replace.error.message}
            </p>
          )}
          <div className="button-row">
            <button type="submit" className="button primary" disabled={replace.isPending}>
              Save new credentials
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setSecrets({});
                setErrors({});
                setMode('idle');
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'edit' && kind && (
        <EditSettingsForm
          target={target}
          kind={kind}
          onCancel={() => setMode('idle')}
          onDone={(name) => {
            setMode('idle');
            test.reset();
            onNotice(`Saved the settings of “${name}”. Test the connection to check them.`);
          }}
        />
      )}
      {mode === 'confirm' && (
        <div className="confirm-box" role="group" aria-label={`Confirm disconnecting ${target.name}`}>
          <p>
            Nothing more can be published to “{target.name}”, and its passwords and tokens are deleted. What was already
            published stays, and the queue keeps its history.
          </p>
          {remove.isError && (
            <p role="alert" className="error-text">
              {remove.error.message}
            </p>
          )}
          <div className="button-row">
            <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
              Yes, disconnect {target.name}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                remove.reset();
                setMode('idle');
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
      {mode === 'idle' && (
        <div className="button-row">
          <button type="button" className="button" disabled={test.isPending} onClick={() => test.mutate()}>
            Test connection<span className="visually-hidden"> of {target.name}</span>
          </button>
          {isAdmin && kind && (
            <button type="button" className="button" onClick={() => setMode('edit')}>
              Edit settings<span className="visually-hidden"> of {target.name}</span>
            </button>
          )}
          {isAdmin && secretSpecs.length > 0 && (
            <button type="button" className="button" onClick={() => setMode('replace')}>
              Replace credentials<span className="visually-hidden"> of {target.name}</span>
            </button>
          )}
          {isAdmin && (
            <button type="button" className="button" onClick={() => setMode('confirm')}>
              Disconnect<span className="visually-hidden"> {target.name}</span>…
            </button>
          )}
        </div>
      )}
    </li>
  );
}
