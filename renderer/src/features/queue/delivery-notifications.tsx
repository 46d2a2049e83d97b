import { hrefFor } from '../../router.ts';
import type { DeliveryNotice } from './use-live-deliveries.ts';

/**
 * In-app notifications (the web host has no system notifications; the desktop
 * app shows those too): a polite live region that reads out the newest, and a
 * list of what needs attention, each linking to its publication and
 * dismissible. Nothing is moved or focused, so typing is never interrupted.
 */
export function DeliveryNotifications({
  notices,
  announcement,
  onDismiss,
}: {
  notices: readonly DeliveryNotice[];
  announcement: string;
  onDismiss: (key: string) => void;
}) {
  return (
    <div className="delivery-notice-region">
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
      {notices.length > 0 && (
        <section aria-labelledby="notifications-heading" className="delivery-notices">
          <h2 id="notifications-heading" className="visually-hidden">
            Notifications
          </h2>
          <ul aria-label="Notifications">
            {notices.map((n) => (
              <li key={n.key} className="delivery-notice">
                <span aria-hidden="true">⚠ </span>
                {n.text} <a href={hrefFor({ page: 'publication', id: n.publicationId })}>Open the publication</a>{' '}
                <button type="button" className="button" onClick={() => onDismiss(n.key)}>
                  Dismiss<span className="visually-hidden"> this notification</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
