import { describe, expect, it } from 'vitest';
import { patchPages } from '../../../renderer/src/features/queue/patch-pages.ts';
import type { DeliveryChanged, Publication } from '../../../shared/domain/queue.ts';

const change: DeliveryChanged = {
  id: 'd1',
  publicationId: 'p1',
  targetId: 't1',
  status: 'delivered',
  attempts: 1,
  retractedAt: null,
  updatedAt: '2026-11-27T02:00:01.000Z',
};

const publication = {
  id: 'p1',
  deliveries: [{ id: 'd1', status: 'queued', attempts: 0, updatedAt: '2026-11-27T02:00:00.000Z' }],
} as unknown as Publication;

describe('patchPages: a live delivery change on the Queue page', () => {
  it('updates the chip of a loaded publication in place', () => {
    const result = patchPages({ pages: [{ items: [publication], nextCursor: null }], pageParams: [null] }, change);
    expect(result.found).toBe(true);
    expect(result.data?.pages[0]?.items[0]?.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('leaves data that is not a paged list alone instead of throwing (a listener that throws loses every later event)', () => {
    const plain = { items: [publication], nextCursor: null } as never;
    expect(() => patchPages(plain, change)).not.toThrow();
    expect(patchPages(plain, change)).toEqual({ data: undefined, found: false });
  });
});
