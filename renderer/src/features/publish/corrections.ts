import type { ChannelTarget, Publication } from '../../../../shared/domain/queue.ts';

/** A connected channel this update has already gone out to, and the newest version that went there. */
export type PublishedTarget = { id: string; name: string; revision: number };

/**
 * Pure: the connected channels an update's earlier publications were
 * delivered to, each once with the newest version delivered there, in the
 * order of the channel list. "Publish correction…" sends the new version to
 * exactly these: a website channel changes its page or post in place (same
 * address), so the correction is where readers already found the update.
 */
export function publishedTargets(
  publications: readonly Publication[],
  connected: readonly Pick<ChannelTarget, 'id' | 'name'>[],
): PublishedTarget[] {
  const newest = new Map<string, number>();
  for (const publication of publications) {
    for (const delivery of publication.deliveries) {
      if (delivery.status !== 'delivered') continue;
      const seen = newest.get(delivery.targetId) ?? 0;
      newest.set(delivery.targetId, Math.max(seen, publication.updateRevision));
    }
  }
  return connected.flatMap((t) => {
    const revision = newest.get(t.id);
    return revision === undefined ? [] : [{ id: t.id, name: t.name, revision }];
  });
}
