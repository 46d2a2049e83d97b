import { describe, expect, it } from 'vitest';
import type { DeliveryStatus, UpdateStatus } from '../../../shared/domain/queue.ts';
import { deriveUpdateStatus } from '../../../electron/core/queue/update-status.ts';

const of = (...statuses: DeliveryStatus[]) => deriveUpdateStatus(statuses.map((status) => ({ status })));

describe('the overall status, derived from the deliveries', () => {
  it.each<[DeliveryStatus[], UpdateStatus]>([
    [[], 'not_published'],
    [['delivered'], 'delivered'],
    [['delivered', 'delivered', 'delivered'], 'delivered'],
    [['scheduled', 'scheduled'], 'scheduled'],
    [['queued'], 'publishing'],
    [['delivered', 'sending'], 'publishing'],
    [['delivered', 'retry_wait'], 'publishing'],
    [['scheduled', 'queued'], 'publishing'],
    [['delivered', 'failed'], 'needs_attention'],
    [['delivered', 'delivered', 'unconfirmed'], 'needs_attention'],
    [['needs_reauth', 'sending'], 'needs_attention'],
    [['failed', 'scheduled'], 'needs_attention'],
    [['cancelled'], 'cancelled'],
    [['cancelled', 'cancelled'], 'cancelled'],
    [['delivered', 'cancelled'], 'partly_delivered'],
    [['scheduled', 'cancelled'], 'scheduled'],
  ])('%j → %s', (statuses, expected) => {
    expect(of(...statuses)).toBe(expected);
  });

  it('never lets channels that worked hide one that needs a person, whatever the order', () => {
    const mix: DeliveryStatus[] = ['delivered', 'sending', 'queued', 'cancelled', 'scheduled', 'retry_wait'];
    for (const problem of ['failed', 'needs_reauth', 'unconfirmed'] as const) {
      for (let at = 0; at <= mix.length; at++) {
        const statuses = [...mix.slice(0, at), problem, ...mix.slice(at)];
        expect(of(...statuses)).toBe('needs_attention');
      }
    }
  });
});
