import type { InfiniteData } from '@tanstack/react-query';
import type { DeliveryChanged, Publication } from '../../../../shared/domain/queue.ts';

export type Page = { items: Publication[]; nextCursor: string | null };

/** Applies one `delivery.changed` to loaded queue pages; false when the publication is not loaded (a new one). */
export function patchPages(data: InfiniteData<Page> | undefined, change: DeliveryChanged) {
  // Only paged lists are patched; anything else under the key is left for a refetch.
  if (!data || !Array.isArray(data.pages)) return { data: undefined, found: false };
  let found = false;
  const pages = data.pages.map((page) => ({
    ...page,
    items: page.items.map((p) => {
      if (p.id !== change.publicationId) return p;
      found = true;
      return {
        ...p,
        deliveries: p.deliveries.map((d) =>
          d.id === change.id && d.updatedAt <= change.updatedAt
            ? {
                ...d,
                status: change.status,
                attempts: change.attempts,
                updatedAt: change.updatedAt,
                ...(change.retractedAt === undefined ? {} : { retractedAt: change.retractedAt }),
              }
            : d,
        ),
      };
    }),
  }));
  return { data: { ...data, pages }, found };
}
