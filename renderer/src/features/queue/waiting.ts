import type { Delivery } from '../../../../shared/domain/queue.ts';

/**
 * True for a delivery held back until the website article of its publication is
 * out (so it can link to it): queued behind a website delivery not yet delivered.
 */
export function isWaitingForWebsite(delivery: Delivery, all: readonly Delivery[]): boolean {
  if (delivery.status !== 'queued' || delivery.dependsOnDeliveryId === null) return false;
  const website = all.find((d) => d.id === delivery.dependsOnDeliveryId);
  return website !== undefined && website.status !== 'delivered' && website.status !== 'cancelled';
}
