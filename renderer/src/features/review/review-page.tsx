import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { REVIEW_STATE_LABELS, type DiffPart, type Review } from '../../../../shared/domain/review.ts';
import type { Update } from '../../../../shared/domain/update.ts';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { hrefFor } from '../../router.ts';
import { ChannelPreviews } from '../compose/channel-previews.tsx';
import { ChecksPanel } from '../compose/checks-panel.tsx';
import { useRenderedVariants } from '../compose/use-rendered-variants.ts';
import { CommentThread } from './comment-thread.tsx';
import { reviewSummary } from './review-panel.tsx';
import { useReview } from './use-review.ts';

/** A word-level comparison: removed words struck through, added words underlined, both named for screen readers. */
function DiffText({ parts }: { parts: DiffPart[] }) {
  if (parts.length === 0) return <span className="hint">(empty)</span>;
  return (
    <>
      {parts.map((p, i) =>
        p.op === 'same' ? (
          <span key={i}>{p.text}</span>
        ) : p.op === 'added' ? (
          <ins key={i} className="diff-added">
            <span className="visually-hidden">[added: </span>
            {p.text}
            <span className="visually-hidden">]</span>
          </ins>
        ) : (
          <del key={i} className="diff-removed">
            <span className="visually-hidden">[removed: </span>
            {p.text}
            <span className="visually-hidden">]</span>
          </del>
        ),
      )}
    </>
  );
}

function Changes({ diff }: { diff: NonNullable<Review['diff']> }) {
  const changed = (parts: DiffPart[]) => parts.some((p) => p.op !== 'same');
  const rows = [
    ['Title', diff.title],
    ['Summary', diff.summary],
    ['Body', diff.body],
  ] as const;
  return (
    <section className="review-diff" aria-labelledby="diff-heading">
      <h2 id="diff-heading">What changed since version {diff.fromRevision} (the last one submitted)</h2>
      {rows.every(([, parts]) => !changed(parts)) && <p>The text is the same; only channel settings changed.</p>}
      <dl>
        {rows
          .filter(([, parts]) => changed(parts))
          .map(([label, parts]) => (
            <div key={label} className="diff-row">
              <dt>{label}</dt>
              <dd className="diff-text">
                <DiffText parts={parts} />
              </dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

/**
 * The approver's page: every channel exactly as it will be sent (the same
 * render functions as the compose previews and the senders), what changed
 * since the last submission, the checks, the thread, and the decision.
 */
export function ReviewPage({ id }: { id: string }) {
  const client = useClient();
  const review = useReview(id);
  const update = useQuery({ queryKey: ['updates', 'get', id], queryFn: () => client.call('updates.get', { id }) });
  if (review.isPending || update.isPending) return <p aria-live="polite">Opening the review…</p>;
  if (review.isError || update.isError) {
    return (
      <div role="alert" className="error-box">
        <h1>Could not open this review</h1>
        <p>{(review.error ?? update.error)?.message}</p>
        <a href={hrefFor({ page: 'approvals' })}>Back to approvals</a>
      </div>
    );
  }
  return <ReviewBody review={review.data} update={update.data} />;
}

function ReviewBody({ review, update }: { review: Review; update: Update }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const { rendered, findings, websiteUrl } = useRenderedVariants(update);
  const [comment, setComment] = useState('');
  const [asking, setAsking] = useState(false);
  const ids = { comment: useId(), decision: useId() };
  const latest = review.submissions[0];
  const stale = update.revision !== review.revision;
  const done = (next: Review) => {
    queryClient.setQueryData(['review', review.updateId], next);
    void queryClient.invalidateQueries({ queryKey: ['review', 'inbox'] });
    void queryClient.invalidateQueries({ queryKey: ['updates', 'get', review.updateId] });
  };
  const approve = useMutation({
    mutationFn: () => client.call('review.approve', { updateId: review.updateId, revision: review.revision }),
    onSuccess: done,
  });
  const requestChanges = useMutation({
    mutationFn: () =>
      client.call('review.requestChanges', { updateId: review.updateId, revision: review.revision, comment }),
    onSuccess: (next) => {
      setComment('');
      setAsking(false);
      done(next);
    },
  });
  const error = approve.error ?? requestChanges.error;
  return (
    <article className="review-page" aria-labelledby="review-heading">
      <header className="page-header">
        <h1 id="review-heading">Review: {update.title.trim() || 'Untitled update'}</h1>
        <p className={`review-state review-state-${review.state}`}>
          <strong>{REVIEW_STATE_LABELS[review.state]}.</strong> {reviewSummary(review)}
        </p>
      </header>
      {latest && (
        <p>
          Version {latest.revision}, submitted by <strong>{latest.submittedBy.name}</strong> on{' '}
          {formatLondon(latest.submittedAt)}
          {latest.note && (
            <>
              : <q>{latest.note}</q>
            </>
          )}
          .
        </p>
      )}
      {stale && (
        <p role="alert" className="error-text">
          This page shows an older version. <a href={hrefFor({ page: 'review', id: review.updateId })}>Reload</a> before
          deciding.
        </p>
      )}
      {review.diff && <Changes diff={review.diff} />}
      <section className="compose-previews" aria-labelledby="review-previews-heading">
        <h2 id="review-previews-heading">Every channel, exactly as it will be sent</h2>
        <ChannelPreviews rendered={rendered} variants={update.variants} websiteUrl={websiteUrl} />
      </section>
      <ChecksPanel findings={findings} />
      {(review.can.approve || review.can.requestChanges) && (
        <section className="decision" aria-labelledby={ids.decision}>
          <h2 id={ids.decision}>Your decision</h2>
          {error && (
            <div role="alert" className="error-box">
              <p>{error.message}</p>
            </div>
          )}
          {!asking ? (
            <p>
              <button
                type="button"
                className="button primary"
                disabled={approve.isPending}
                onClick={() => approve.mutate()}
              >
                Approve version {review.revision}
              </button>{' '}
              <button type="button" className="button" onClick={() => setAsking(true)}>
                Request changes…
              </button>
            </p>
          ) : (
            <form
              noValidate
              aria-label="Request changes"
              onSubmit={(e) => {
                e.preventDefault();
                requestChanges.mutate();
              }}
            >
              <div className="field">
                <label htmlFor={ids.comment}>What needs to change (required)</label>
                <textarea
                  id={ids.comment}
                  rows={3}
                  required
                  value={comment}
                  maxLength={4000}
                  onChange={(e) => setComment(e.target.value)}
                />
              </div>
              <button type="submit" className="button primary" disabled={requestChanges.isPending}>
                Send back to the author
              </button>{' '}
              <button type="button" className="button" onClick={() => setAsking(false)}>
                Cancel
              </button>
            </form>
          )}
        </section>
      )}
      {approve.isSuccess && (
        <p role="status" className="notice">
          Approved. {approve.data.state === 'approved' ? 'It can be published now.' : 'It needs one more approval.'}
        </p>
      )}
      {requestChanges.isSuccess && (
        <p role="status" className="notice">
          Sent back to the author with your comment.
        </p>
      )}
      <CommentThread updateId={review.updateId} comments={review.comments} />
      <p>
        <a href={hrefFor({ page: 'update', id: review.updateId })}>Open the update in the editor</a> ·{' '}
        <a href={hrefFor({ page: 'approvals' })}>Back to approvals</a>
      </p>
    </article>
  );
}
