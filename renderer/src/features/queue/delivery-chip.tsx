import type { DeliveryStatus } from '../../../../shared/domain/queue.ts';
import { StatusIcon } from '../../components/status-icon.tsx';

type Look = { word: string; icon: 'blocked' | 'info' | 'warn' | 'ok'; tone: 'ok' | 'busy' | 'attention' | 'neutral' };

/** The word and icon of each delivery status: the word carries the meaning, never the colour. */
export const DELIVERY_LOOK: Record<DeliveryStatus, Look> = {
  scheduled: { word: 'Scheduled', icon: 'info', tone: 'neutral' },
  queued: { word: 'Queued', icon: 'info', tone: 'busy' },
  sending: { word: 'Sending', icon: 'info', tone: 'busy' },
  delivered: { word: 'Delivered', icon: 'ok', tone: 'ok' },
  retry_wait: { word: 'Will retry', icon: 'warn', tone: 'busy' },
  failed: { word: 'Failed', icon: 'blocked', tone: 'attention' },
  needs_reauth: { word: 'Reconnect', icon: 'warn', tone: 'attention' },
  unconfirmed: { word: 'Unconfirmed', icon: 'warn', tone: 'attention' },
  cancelled: { word: 'Cancelled', icon: 'blocked', tone: 'neutral' },
};

/** A delivered update that a person removed from the channel afterwards. */
export const RETRACTED_LOOK: Look = { word: 'Removed', icon: 'blocked', tone: 'neutral' };

/** One channel's status in the queue: icon, channel name and the status word. */
export function DeliveryChip({
  name,
  status,
  waiting = false,
  retracted = false,
}: {
  name: string;
  status: DeliveryStatus;
  waiting?: boolean;
  /** Delivered, then removed from the channel by a person. */
  retracted?: boolean;
}) {
  const look = retracted
    ? RETRACTED_LOOK
    : waiting
      ? { ...DELIVERY_LOOK[status], word: 'Waiting for website' }
      : DELIVERY_LOOK[status];
  return (
    <span className={`chip chip-${look.tone}`} data-status={status} data-retracted={retracted || undefined}>
      <StatusIcon kind={look.icon} /> {name}: <strong>{look.word}</strong>
    </span>
  );
}
