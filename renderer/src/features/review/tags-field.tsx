import { useEffect, useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Review } from '../../../../shared/domain/review.ts';
import { useClient } from '../../client-context.tsx';
import { parseTags } from '../people/describe-person.ts';

/**
 * The update's tags ("Roads", "Bin collections"): they decide how many
 * approvals it needs (the team's rule), and become the WordPress post's tags
 * and categories and the static site's topics. They change only while the
 * update is a draft or has changes requested; the core refuses otherwise.
 */
export function TagsField({ review }: { review: Review }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const saved = review.tags.join(', ');
  const [text, setText] = useState(saved);
  const ids = { input: useId(), hint: useId(), error: useId() };
  useEffect(() => setText(saved), [saved]);
  const editable = review.state === 'draft' || review.state === 'changes_requested';
  const save = useMutation({
    mutationFn: () => client.call('review.setTags', { updateId: review.updateId, tags: parseTags(text) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['review', review.updateId] }),
  });

  if (!editable) {
    return (
      <p className="tags-line">
        <strong>Tags:</strong> {review.tags.length > 0 ? review.tags.join(', ') : 'none'}
        <span className="hint"> (they change only while the update is a draft)</span>
      </p>
    );
  }
  const changed = parseTags(text).join(', ') !== saved;
  return (
    <form
      className="tags-form"
      aria-label="Tags"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="field">
        <label htmlFor={ids.input}>Tags</label>
        <p id={ids.hint} className="hint">
          Separate tags with commas, for example: Roads, Bin collections. Some tags need two approvals; on the website
          they become the post&rsquo;s tags and topics.
        </p>
        {save.isError && (
          <p id={ids.error} role="alert" className="error-text field-error">
            {save.error.message}
          </p>
        )}
        <input
          id={ids.input}
          value={text}
          maxLength={900}
          aria-invalid={save.isError || undefined}
          aria-describedby={save.isError ? `${ids.hint} ${ids.error}` : ids.hint}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={save.isPending || !changed}>
        Save tags
      </button>
      <div role="status">{save.isSuccess && !changed && <p className="notice">Tags saved.</p>}</div>
    </form>
  );
}
