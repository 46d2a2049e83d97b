import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApprovalPolicy } from '../../../../shared/domain/review.ts';
import { useClient } from '../../client-context.tsx';
import { errorFor, fieldErrorOf, type FieldError } from './core-error.ts';
import { FormError } from './form-error.tsx';
import { parseTags, policyInWords } from './describe-person.ts';
import { TextField } from '../../components/text-field.tsx';

/** Admins: how many approvals an update needs, for all updates or for some tags (`review.setPolicy`). */
export function ApprovalPolicySection({ canChange }: { canChange: boolean }) {
  const client = useClient();
  const policy = useQuery({ queryKey: ['review', 'policy'], queryFn: () => client.call('review.policy', {}) });
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="policy-heading">
      <h2 id="policy-heading">Approvals</h2>
      {policy.isError && (
        <p role="alert" className="error-box">
          Could not load the approval rules: {policy.error.message}
        </p>
      )}
      {policy.data && !canChange && <p>{policyInWords(policy.data)}</p>}
      {policy.data && canChange && (
        <PolicyForm key={JSON.stringify(policy.data)} saved={policy.data} onSaved={setNotice} />
      )}
      <div role="status">{notice && <p className="notice">{notice}</p>}</div>
    </section>
  );
}

function PolicyForm({ saved, onSaved }: { saved: ApprovalPolicy; onSaved: (notice: string | null) => void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const id = useId();
  const [required, setRequired] = useState<1 | 2>(saved.required);
  const [tags, setTags] = useState(saved.twoForTags.join(', '));
  const [error, setError] = useState<FieldError | null>(null);
  const save = useMutation({
    mutationFn: () => client.call('review.setPolicy', { required, twoForTags: parseTags(tags) }),
    onMutate: () => {
      setError(null);
      onSaved(null);
    },
    onSuccess: (next) => {
      // The form is keyed on the saved policy, so it starts again from what was saved.
      queryClient.setQueryData(['review', 'policy'], next);
      onSaved(`Saved. ${policyInWords(next)}`);
    },
    onError: (e) => setError(fieldErrorOf(e)),
  });
  return (
    <form
      noValidate
      aria-labelledby="policy-heading"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <p>{policyInWords(saved)}</p>
      <fieldset className="roles-fieldset">
        <legend>Every update needs</legend>
        {([1, 2] as const).map((n) => (
          <div className="check-row" key={n}>
            <input
              id={`${id}-${n}`}
              type="radio"
              name={`${id}-required`}
              checked={required === n}
              onChange={() => setRequired(n)}
            />
            <label htmlFor={`${id}-${n}`}>{n === 1 ? 'One approval' : 'Two approvals'}</label>
          </div>
        ))}
        <p className="hint">Two approvals means two different approvers, neither of them the author.</p>
      </fieldset>
      {required === 1 && (
        <TextField
          label="Two approvals for updates tagged"
          value={tags}
          onChange={setTags}
          hint="Separate tags with commas, for example: Corporate, Elections. Leave empty for none."
          error={errorFor(error, 'twoForTags')}
        />
      )}
      <FormError error={error} fields={['required', 'twoForTags']} notDone="Not saved" />
      <button type="submit" className="button primary" disabled={save.isPending}>
        Save approval rules
      </button>
    </form>
  );
}
