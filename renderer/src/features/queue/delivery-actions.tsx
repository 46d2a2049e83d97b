import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Delivery } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';
import { DELIVERY_LOOK } from './delivery-chip.tsx';

type Action = { type: 'cancel' } | { type: 'retry' } | { type: 'sent'; url: string } | { type: 'send_again' };

/**
 * The person's actions on one delivery, only those its status allows, each with its result.
 * A delivery already delivered while its publication's time is still ahead went to a channel
 * that publishes at that time itself (a WordPress scheduled post): it can still be cancelled.
 */
export function DeliveryActions({ delivery, scheduledAt }: { delivery: Delivery; scheduledAt?: string | null }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const urlId = useId();
  const act = useMutation({
    mutationFn: (action: Action) => {
      const ref = { deliveryId: delivery.id };
      switch (action.type) {
        case 'cancel':
          return client.call('queue.cancel', ref);
        case 'retry':
          return client.call('queue.retry', ref);
        case 'sent':
          return client.call('queue.resolve', { ...ref, outcome: 'sent', url: action.url });
        case 'send_again':
          return client.call('queue.resolve', { ...ref, outcome: 'send_again' });
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['queue', 'get', delivery.publicationId] }),
  });
  const waitingThere =
    delivery.status === 'delivered' && typeof scheduledAt === 'string' && Date.parse(scheduledAt) > Date.now();
  const canCancel =
    delivery.status === 'scheduled' || delivery.status === 'queued' || delivery.status === 'retry_wait' || waitingThere;
  const canRetry = delivery.status === 'failed' || delivery.status === 'needs_reauth';
  const name = delivery.targetName;

  return (
    <div className="delivery-actions">
      {canCancel && (
        <button
          type="button"
          className="button"
          disabled={act.isPending}
          onClick={() => act.mutate({ type: 'cancel' })}
        >
          {waitingThere ? `Cancel ${name} (take it off the schedule there)` : `Cancel ${name}`}
        </button>
      )}
      {canRetry && (
        <button
          type="button"
          className="button primary"
          disabled={act.isPending}
          onClick={() => act.mutate({ type: 'retry' })}
        >
          Retry {name}
        </button>
      )}
      {delivery.status === 'unconfirmed' && (
        <form
          className="resolve-form"
          onSubmit={(e) => {
            e.preventDefault();
            act.mutate({ type: 'sent', url: url.trim() });
          }}
        >
          <p>Check {name}. If the update is there, paste its link and choose “It went out”; if not, send it again.</p>
          <div className="field">
            <label htmlFor={urlId}>Link to the published item on {name}</label>
            <input
              id={urlId}
              type="url"
              value={url}
              placeholder="https://"
              onChange={(e) => setUrl(e.target.value)}
              aria-invalid={act.isError || undefined}
            />
          </div>
          <button type="submit" className="button primary" disabled={act.isPending || url.trim() === ''}>
            It went out
          </button>{' '}
          <button
            type="button"
            className="button"
            disabled={act.isPending}
            onClick={() => act.mutate({ type: 'send_again' })}
          >
            Send again
          </button>
        </form>
      )}
      {act.isError && (
        <p role="alert" className="error-text">
          {act.error.message}
        </p>
      )}
      {act.isSuccess && (
        <p role="status" className="notice">
          Done: {name} is now {DELIVERY_LOOK[act.data.status].word.toLowerCase()}.
        </p>
      )}
    </div>
  );
}
