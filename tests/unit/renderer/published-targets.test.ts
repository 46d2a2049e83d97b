import { describe, expect, it } from 'vitest';
import type { Delivery, Publication } from '../../../shared/domain/queue.ts';
import { publishedTargets } from '../../../renderer/src/features/publish/corrections.ts';

/** "Publish correction…" goes to the connected channels an update was delivered to, with the newest version there. */

function publication(revision: number, deliveries: [targetId: string, status: Delivery['status']][]): Publication {
  return {
    id: `p${revision}`,
    updateId: 'u1',
    updateRevision: revision,
    deliveries: deliveries.map(([targetId, status]) => ({ targetId, status })),
  } as unknown as Publication;
}

describe('publishedTargets', () => {
  const connected = [
    { id: 'web', name: 'Council website' },
    { id: 'wp', name: 'WordPress' },
    { id: 'x', name: 'X' },
  ];

  it('lists each connected channel delivered to once, with the newest delivered version, in channel order', () => {
    const list = publishedTargets(
      [
        publication(3, [
          ['web', 'delivered'],
          ['x', 'failed'],
        ]),
        publication(1, [
          ['x', 'delivered'],
          ['web', 'delivered'],
          ['wp', 'cancelled'],
        ]),
      ],
      connected,
    );
    expect(list).toEqual([
      { id: 'web', name: 'Council website', revision: 3 },
      { id: 'x', name: 'X', revision: 1 },
    ]);
  });

  it('leaves out channels that were disconnected, and answers nothing for an update never delivered', () => {
    expect(publishedTargets([publication(2, [['gone', 'delivered']])], connected)).toEqual([]);
    expect(publishedTargets([publication(2, [['web', 'queued']])], connected)).toEqual([]);
    expect(publishedTargets([], connected)).toEqual([]);
  });
});
