import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Comment } from '../../../../shared/domain/review.ts';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';

const KIND_LABEL: Record<Comment['kind'], string> = {
  comment: 'commented',
  submitted: 'submitted it for approval',
  approved: 'approved it',
  changes_requested: 'asked for changes',
  voided: 'edited it after review',
  urgent_published: 'published it urgently, without approval',
  not_sent: 'not sent',
};

/** The update's history of submissions, decisions and comments, oldest first, with a box to add one. */
export function CommentThread({ updateId, comments }: { updateId: string; comments: Comment[] }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const ids = { heading: useId(), box: useId() };
  const add = useMutation({
    mutationFn: () => client.call('review.comment', { updateId, body }),
    onSuccess: (review) => {
      setBody('');
      queryClient.setQueryData(['review', updateId], review);
    },
  });
  return (
    <section className="comment-thread" aria-labelledby={ids.heading}>
      <h3 id={ids.heading}>Comments and decisions</h3>
      {comments.length === 0 ? (
        <p className="hint">Nothing yet.</p>
      ) : (
        <ol className="comments">
          {comments.map((c) => (
            <li key={c.id} className={`comment comment-${c.kind}`}>
              <p className="comment-head">
                <strong>{c.author?.name ?? 'Town Crier'}</strong> {KIND_LABEL[c.kind]}{' '}
                <span className="hint">
                  (version {c.revision}, {formatLondon(c.createdAt)})
                </span>
              </p>
              {c.body && <p className="comment-body">{c.body}</p>}
            </li>
          ))}
        </ol>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (body.trim()) add.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={ids.box}>Add a comment</label>
          <textarea id={ids.box} rows={2} value={body} maxLength={4000} onChange={(e) => setBody(e.target.value)} />
        </div>
        {add.isError && (
          <p role="alert" className="error-text">
            {add.error.message}
          </p>
        )}
        <button type="submit" className="button" disabled={add.isPending || body.trim() === ''}>
          Comment
        </button>
      </form>
    </section>
  );
}
