import type { CoreEvent } from '../../shared/contract.ts';
import { createNoticeDeduper, noticeKey, noticeText, shouldNotify } from '../../shared/domain/delivery-notice.ts';
import type { DeliveryDescription } from '../core/queue/describe-delivery.ts';
import type { Logger } from '../core/logging/logger.ts';

/** What the shell uses of Electron's `Notification` (the real class satisfies it; tests pass a fake). */
export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  show(): void;
}

export interface NotificationConstructor {
  new (options: { title: string; body: string }): NotificationLike;
  isSupported(): boolean;
}

export type DeliveryNotificationDeps = {
  /** The core's events: `delivery.changed` from this process's worker, a person, or another process. */
  subscribe(listener: (event: CoreEvent) => void): () => void;
  /** The channel name and title of a delivery (core.services.deliveries.describe). */
  describe(deliveryId: string): Promise<DeliveryDescription | undefined>;
  Notification: NotificationConstructor;
  /** A click: bring the window to the front and open the publication. */
  onOpen(publicationId: string): void;
  logger: Logger;
};

/**
 * System notifications in the desktop app when a delivery fails, cannot be
 * confirmed or needs its channel reconnected, driven by the core's events.
 * The same delivery state is notified once, however often its event
 * arrives (events can repeat across processes). Notifications being shown
 * are kept referenced until closed, so their click still arrives. Returns
 * the function that stops listening.
 */
export function startDeliveryNotifications(deps: DeliveryNotificationDeps): () => void {
  if (!deps.Notification.isSupported()) {
    deps.logger.info('System notifications are not supported here; the app shows them in its window only');
    return () => undefined;
  }
  const deduper = createNoticeDeduper();
  const showing = new Set<NotificationLike>();
  return deps.subscribe((event) => {
    if (event.name !== 'delivery.changed') return;
    const change = event.payload;
    if (!shouldNotify(change) || !deduper.first(noticeKey(change))) return;
    void deps
      .describe(change.id)
      .then((about) => {
        const body = noticeText(change.status, about?.targetName ?? 'A channel', about?.title ?? 'an update');
        const notification = new deps.Notification({ title: 'Town Crier: a delivery needs you', body });
        showing.add(notification);
        notification.on('click', () => {
          showing.delete(notification);
          deps.onOpen(change.publicationId);
        });
        notification.on('close', () => showing.delete(notification));
        notification.show();
      })
      .catch((error: unknown) => deps.logger.warn('Could not show a delivery notification', { error }));
  });
}
