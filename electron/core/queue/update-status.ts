import type { DeliveryStatus, UpdateStatus } from '../../../shared/domain/queue.ts';

const NEEDS_A_PERSON: readonly DeliveryStatus[] = ['failed', 'needs_reauth', 'unconfirmed'];
const IN_PROGRESS: readonly DeliveryStatus[] = ['queued', 'sending', 'retry_wait'];

/**
 * The overall status of an update (or one publication) from its deliveries.
 * It is derived, never stored, so it can never disagree with the channels.
 * Anything a person must act on wins, so a failure is never hidden behind
 * the channels that worked.
 */
export function deriveUpdateStatus(deliveries: readonly { status: DeliveryStatus }[]): UpdateStatus {
  if (deliveries.length === 0) return 'not_published';
  const statuses = deliveries.map((d) => d.status);
  if (statuses.some((s) => NEEDS_A_PERSON.includes(s))) return 'needs_attention';
  if (statuses.some((s) => IN_PROGRESS.includes(s))) return 'publishing';
  if (statuses.includes('scheduled')) return 'scheduled';
  if (statuses.every((s) => s === 'cancelled')) return 'cancelled';
  if (statuses.every((s) => s === 'delivered')) return 'delivered';
  return 'partly_delivered';
}
