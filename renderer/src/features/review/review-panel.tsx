import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { REVIEW_STATE_LABELS, type Review } from '../../../../shared/domain/review.ts';
import { useClient } from '../../client-context.tsx';
import { hrefFor } from '../../router.ts';
import { useSession } from '../auth/session-context.tsx';
import { CommentThread } from './comment-thread.tsx';
import { TagsField } from './tags-field.tsx';
import { useReview } from './use-review.ts';

/** The approval state as a short sentence, with who did what. */
export function reviewSummary(review: Review): string {
  const latest = review.submissions[0];
  switch (review.state) {
    case 'draft':
      return 'Not submitted for approval yet. Nothing is published without a second person’s approval.';
    case 'in_review': {
      const to = latest?.approver ? latest.approver.name : 'any approver';
      const so =
        latest && latest.approvalsRequired > 1
          ? ` (${latest.approvals.length} of ${latest.approvalsRequired} approvals)`
          : '';
      return `Sent to ${to}${so}. Editing it now takes it back to draft.`;
    }
    case 'changes_requested':
      return 'Changes were requested. Edit it, then submit it again.';
    case 'approved': {
      const names = latest?.approvals.map((a) => a.approver.name).join(' and ') ?? '';
      return `${names ? `By ${names}. ` : ''}It can be published. Any edit needs a new approval.`;
    }
  }
}

/**
 * "Approval" on the compose page: the state, submitting to a chosen approver
 * or any approver, the comment thread, and (for approvers) the way to the
 * review page. The core enforces every rule; this only offers what it allows.
 */
export function ReviewPanel({
  updateId,
  revision,
  beforeSubmit,
}: {
  updateId: string;
  /** The revision on screen once everything typed is saved. */
  revision: () => number;
  beforeSubmit: () => Promise<unknown>;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const review = useReview(updateId);
  const people = useQuery({ queryKey: ['people', 'list'], queryFn: () => client.call('people.list', {}) });
  const [approverId, setApproverId] = useState('');
  const [note, setNote] = useState('');
  const ids = { heading: useId(), approver: useId(), note: useId() };
  const submit = useMutation({
    mutationFn: async () => {
      await beforeSubmit();
      return client.call('review.submit', { updateId, revision: revision(), approverId: approverId || null, note });
    },
    onSuccess: (next) => {
      setNote('');
      queryClient.setQueryData(['review', updateId], next);
      void queryClient.invalidateQueries({ queryKey: ['updates', 'get', updateId] });
    },
  });
  if (review.isPending) return <p aria-live="polite">Loading the approval state…</p>;
  if (review.isError) return <p role="alert">Could not load the approval state: {review.error.message}</p>;
  const r = review.data;
  const approvers = (people.data ?? []).filter(
    (p) => !p.disabled && p.roles.includes('approver') && p.id !== user.id && p.id !== r.createdBy?.id,
  );
  return (
    <section className="review-panel" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>Approval</h2>
      <p className={`review-state review-state-${r.state}`}>
        <strong>{REVIEW_STATE_LABELS[r.state]}.</strong> {reviewSummary(r)}
      </p>
      <TagsField review={r} />
      {r.can.approve && (
        <p>
          <a className="button primary" href={hrefFor({ page: 'review', id: updateId })}>
            Review and decide
          </a>
        </p>
      )}
      {r.can.submit && (
        <form
          className="submit-form"
          aria-label="Submit for approval"
          onSubmit={(e) => {
            e.preventDefault();
            submit.mutate();
          }}
        >
          <div className="field">
            <label htmlFor={ids.approver}>Send to</label>
            <select id={ids.approver} value={approverId} onChange={(e) => setApproverId(e.target.value)}>
              <option value="">Any approver</option>
              {approvers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.note}>Note for the approver (optional)</label>
            <textarea id={ids.note} rows={2} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </div>
          {r.approvalsRequired > 1 && (
            <p className="hint">This update needs two approvals (its tags or the team’s rule).</p>
          )}
          {submit.isError && (
            <div role="alert" className="error-box">
              <p>{submit.error.message}</p>
            </div>
          )}
          <button type="submit" className="button primary" disabled={submit.isPending}>
            Submit for approval
          </button>
        </form>
      )}
      <CommentThread updateId={updateId} comments={r.comments} />
    </section>
  );
}
