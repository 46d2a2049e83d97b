import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { errorFor, fieldErrorOf, type FieldError } from './core-error.ts';
import { FormError } from './form-error.tsx';
import { TextField } from '../../components/text-field.tsx';

/** "Change your password", for everyone signed in: the current one, then the new one twice. */
export function ChangePasswordForm() {
  const client = useClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<FieldError | null>(null);
  const [done, setDone] = useState(false);
  const change = useMutation({
    mutationFn: () => client.call('auth.changePassword', { current, next }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    },
    onError: (e) => setError(fieldErrorOf(e)),
  });
  return (
    <form
      className="password-form"
      aria-labelledby="change-password-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setDone(false);
        setError(null);
        if (next !== again) {
          setError({ field: 'again', message: 'The two new passwords are different. Type the same one twice.' });
          return;
        }
        change.mutate();
      }}
    >
      <h3 id="change-password-heading">Change your password</h3>
      <TextField
        label="Current password"
        type="password"
        value={current}
        onChange={setCurrent}
        autoComplete="current-password"
        error={errorFor(error, 'current')}
      />
      <TextField
        label="New password"
        type="password"
        value={next}
        onChange={setNext}
        autoComplete="new-password"
        hint="At least 12 characters. A few unrelated words are strong and easy to remember."
        error={errorFor(error, 'next')}
      />
      <TextField
        label="New password again"
        type="password"
        value={again}
        onChange={setAgain}
        autoComplete="new-password"
        error={errorFor(error, 'again')}
      />
      <FormError error={error} fields={['current', 'next', 'again']} notDone="Not changed" />
      <div role="status">
        {done && (
          <p className="notice">
            Your password is changed. You stay signed in here; any other session of yours has been signed out.
          </p>
        )}
      </div>
      <button type="submit" className="button primary" disabled={change.isPending}>
        Change password
      </button>
    </form>
  );
}
