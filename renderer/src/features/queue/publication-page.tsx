import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useHasRole, useSession } from '../auth/session-context.tsx';
import type { Delivery, PublicationDetail } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { hrefFor } from '../../router.ts';
import { DeliveryActions } from './delivery-actions.tsx';
import { RetractAction } from './retract-action.tsx';
import { EmailSendPanel } from './email-send-panel.tsx';
import { DELIVERY_LOOK, DeliveryChip } from './delivery-chip.tsx';
import { isWaitingForWebsite } from './waiting.ts';
import { formatStamp, safeHttpUrl } from './time-london.ts';

const OUTCOME_WORDS: Record<string, string> = {
  delivered: 'delivered',
  retryable: 'failed for now (will retry)',
  offline: 'could not connect (will retry)',
  rejected: 'refused by the channel',
  auth: 'refused: the channel needs reconnecting',
  unknown_outcome: 'outcome unknown',
  lease_expired: 'stopped part-way (outcome unknown)',
};

type Entry = { at: string; key: string; text: string; error?: { message: string; nextStep: string } | null };

/** Every attempt and every status change of one delivery, oldest first. */
function timelineOf(detail: PublicationDetail, delivery: Delivery): Entry[] {
  const entries: Entry[] = [];
  for (const a of detail.attempts.filter((x) => x.deliveryId === delivery.id)) {
    entries.push({ at: a.startedAt, key: `a${a.attempt}s`, text: `Sending (attempt ${a.attempt})` });
    if (a.finishedAt) {
      entries.push({
        at: a.finishedAt,
        key: `a${a.attempt}f`,
        text: `Attempt ${a.attempt}: ${a.outcome ? (OUTCOME_WORDS[a.outcome] ?? a.outcome) : 'no answer recorded'}`,
        error: a.error,
      });
    }
  }
  // "Now sending" would repeat the attempt's own line, so the attempts stand for it.
  const changes = detail.history.filter((x) => x.deliveryId === delivery.id && x.toStatus !== 'sending');
  for (const [i, h] of changes.entries()) {
    const by = h.actor.startsWith('person') ? 'by a person' : 'by the publisher';
    const text =
      h.event === 'retract'
        ? `Removed from ${delivery.targetName} (${by})`
        : `Now ${DELIVERY_LOOK[h.toStatus].word.toLowerCase()} (${by})`;
    entries.push({ at: h.at, key: `h${i}`, text });
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

/** Delivered before its publication's time: it went to a channel that publishes at that time itself (WordPress). */
function waitsOnChannel(detail: PublicationDetail, delivery: Delivery): boolean {
  return delivery.status === 'delivered' && detail.scheduledAt !== null && Date.parse(detail.scheduledAt) > Date.now();
}

function DeliveryCard({ detail, delivery }: { detail: PublicationDetail; delivery: Delivery }) {
  const link = safeHttpUrl(delivery.externalUrl);
  const headingId = `delivery-${delivery.id}`;
  return (
    <section className="delivery-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <DeliveryChip
          name={delivery.targetName}
          status={delivery.status}
          waiting={isWaitingForWebsite(delivery, detail.deliveries)}
          retracted={delivery.retractedAt !== null}
        />
      </h2>
      {link && delivery.retractedAt === null && (
        <p>
          {waitsOnChannel(detail, delivery) && detail.scheduledAt
            ? `Waiting on ${delivery.targetName}, which publishes it at ${formatLondon(detail.scheduledAt)} (UK time), at `
            : 'Published at '}
          <a href={link} target="_blank" rel="noopener noreferrer">
            {link}
          </a>
        </p>
      )}
      {delivery.retractedAt !== null && (
        <p>
          Removed from {delivery.targetName} on{' '}
          <time dateTime={delivery.retractedAt}>{formatLondon(delivery.retractedAt)}</time>
          {link ? ` (it was at ${link})` : ''}.
        </p>
      )}
      {delivery.lastError && delivery.status !== 'delivered' && (
        <div className="delivery-error">
          <p>
            <strong>What happened:</strong> {delivery.lastError.message}
          </p>
          <p>
            <strong>What to do:</strong> {delivery.lastError.nextStep}
          </p>
        </div>
      )}
      {delivery.nextAttemptAt && (delivery.status === 'retry_wait' || delivery.status === 'scheduled') && (
        <p>
          Next try: <time dateTime={delivery.nextAttemptAt}>{formatLondon(delivery.nextAttemptAt)}</time>
        </p>
      )}
      {delivery.targetKind === 'email.smtp' && (
        <EmailSendPanel deliveryId={delivery.id} targetName={delivery.targetName} />
      )}
      <DeliveryActions delivery={delivery} scheduledAt={detail.scheduledAt} />
      <RetractAction delivery={delivery} title={detail.title} />
      <h3>Timeline (UK time)</h3>
      <ol className="timeline" aria-label={`Timeline for ${delivery.targetName}`}>
        {timelineOf(detail, delivery).map((e) => (
          <li key={e.key}>
            <time dateTime={e.at}>{formatStamp(e.at)}</time> {e.text}
            {e.error && (
              <span className="timeline-error">
                {' '}
                — {e.error.message} {e.error.nextStep}
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** One publication: each channel's status, its timeline, links to what went out, and the actions. */
export function PublicationPage({ id }: { id: string }) {
  const client = useClient();
  const query = useQuery({
    queryKey: ['queue', 'get', id],
    queryFn: () => client.call('queue.get', { publicationId: id }),
  });
  if (query.isPending) return <p aria-live="polite">Opening the publication…</p>;
  if (query.isError) {
    return (
      <div role="alert" className="error-box">
        <h1>Could not open this publication</h1>
        <p>{query.error.message}</p>
        <a href={hrefFor({ page: 'queue' })}>Back to the queue</a>
      </div>
    );
  }
  const detail = query.data;
  return (
    <section aria-labelledby="publication-heading" className="publication">
      <p>
        <a href={hrefFor({ page: 'queue' })}>← Queue</a>
      </p>
      <h1 id="publication-heading">{detail.title || 'Untitled update'}</h1>
      <p className="hint">
        Version {detail.updateRevision} · published{' '}
        <time dateTime={detail.createdAt}>{formatLondon(detail.createdAt)}</time>
        {detail.scheduledAt && (
          <>
            {' '}
            for <time dateTime={detail.scheduledAt}>{formatLondon(detail.scheduledAt)}</time>
          </>
        )}{' '}
        · <a href={hrefFor({ page: 'update', id: detail.updateId })}>Open the update</a>
      </p>
      <Authorisation detail={detail} />
      {detail.deliveries.map((d) => (
        <DeliveryCard key={d.id} detail={detail} delivery={d} />
      ))}
    </section>
  );
}

/** Why this publication may go out: approved, urgent (with its reason and after-review), waiting, or lapsed. */
function Authorisation({ detail }: { detail: PublicationDetail }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const approver = useHasRole('approver');
  const { user } = useSession();
  const review = useMutation({
    mutationFn: () => client.call('queue.markReviewed', { publicationId: detail.id }),
    onSuccess: (next) => queryClient.setQueryData(['queue', 'get', detail.id], { ...detail, ...next }),
  });
  switch (detail.authorisation) {
    case 'approved':
      return <p className="review-state review-state-approved">Approved version {detail.updateRevision}.</p>;
    case 'pending':
      return (
        <p className="review-state review-state-in_review">
          Waiting for approval: it is sent at its time only if version {detail.updateRevision} has been approved by
          then.
        </p>
      );
    case 'lapsed':
      return (
        <p className="review-state review-state-changes_requested">
          Not sent: its send time came before it was approved. The author and approvers were told.
        </p>
      );
    case 'urgent':
      return (
        <div className="urgent-flag">
          <p>
            <strong>Published urgently, without approval.</strong> Reason: {detail.urgentReason}
          </p>
          {detail.reviewedAt ? (
            <p>Reviewed afterwards on {formatLondon(detail.reviewedAt)}.</p>
          ) : (
            <>
              <p>It needs a review by an approver.</p>
              {approver && detail.createdBy !== user.id && (
                <button type="button" className="button" disabled={review.isPending} onClick={() => review.mutate()}>
                  Mark as reviewed
                </button>
              )}
              {review.isError && (
                <p role="alert" className="error-text">
                  {review.error.message}
                </p>
              )}
            </>
          )}
        </div>
      );
  }
}
