import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Role, User } from '../../../../shared/domain/people.ts';
import { useClient } from '../../client-context.tsx';
import { errorFor, fieldErrorOf, type FieldError } from './core-error.ts';
import { FormError } from './form-error.tsx';
import { RolesFieldset } from './roles-fieldset.tsx';
import { TextField } from '../../components/text-field.tsx';

const FIELDS = ['name', 'email', 'roles', 'urgent', 'password'] as const;

/** "Add a person": name, email, roles, the urgent permission and a first password they change later. */
export function AddPersonForm({ onAdded }: { onAdded: (user: User) => void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>(['author']);
  const [urgent, setUrgent] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<FieldError | null>(null);
  const create = useMutation({
    mutationFn: () => client.call('people.create', { name, email, roles, urgent, password }),
    onMutate: () => setError(null),
    onSuccess: (user) => {
      void queryClient.invalidateQueries({ queryKey: ['people', 'list'] });
      setName('');
      setEmail('');
      setRoles(['author']);
      setUrgent(false);
      setPassword('');
      onAdded(user);
    },
    onError: (e) => setError(fieldErrorOf(e)),
  });

  return (
    <form
      className="person-form"
      aria-labelledby="add-person-heading"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h2 id="add-person-heading">Add a person</h2>
      <TextField label="Name" value={name} onChange={setName} autoComplete="off" error={errorFor(error, 'name')} />
      <TextField
        label="Work email"
        type="email"
        value={email}
        onChange={setEmail}
        hint="They sign in with this address."
        error={errorFor(error, 'email')}
      />
      <RolesFieldset
        roles={roles}
        onRoles={setRoles}
        urgent={urgent}
        onUrgent={setUrgent}
        rolesError={errorFor(error, 'roles')}
        urgentError={errorFor(error, 'urgent')}
      />
      <TextField
        label="First password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        hint="At least 12 characters. Give it to them in person or by phone, not by email. They should change it under “Your account” as soon as they sign in."
        error={errorFor(error, 'password')}
      />
      <FormError error={error} fields={FIELDS} notDone="Not added" />
      <button type="submit" className="button primary" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add this person'}
      </button>
    </form>
  );
}
