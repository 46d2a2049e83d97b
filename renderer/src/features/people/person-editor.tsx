import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract.ts';
import type { Role, User } from '../../../../shared/domain/people.ts';
import { useClient } from '../../client-context.tsx';
import { errorFor, fieldErrorOf, type FieldError } from './core-error.ts';
import { FormError } from './form-error.tsx';
import { savedRolesMessage } from './describe-person.ts';
import { RolesFieldset } from './roles-fieldset.tsx';
import { TextField } from '../../components/text-field.tsx';

type Change = Omit<MethodInput<'people.update'>, 'id'>;

/** One `people.update` call whose refusal is kept for the part of the editor that made it. */
function usePersonUpdate(user: User, onSaved: (user: User) => void) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [error, setError] = useState<FieldError | null>(null);
  const mutation = useMutation({
    mutationFn: (change: Change) => client.call('people.update', { id: user.id, ...change }),
    onMutate: () => setError(null),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['people', 'list'] });
      // An admin changing their own roles: the sidebar and pages follow at once.
      void queryClient.invalidateQueries({ queryKey: ['auth', 'state'] });
      onSaved(saved);
    },
    onError: (e) => setError(fieldErrorOf(e)),
  });
  return { ...mutation, error };
}

/**
 * An admin's changes to one person: roles and the urgent permission, disable
 * or enable, and a password reset. Disabling and resetting ask first, and say
 * what follows (signed out everywhere). The core's refusals (the last admin,
 * a short password) appear next to the part that caused them.
 */
export function PersonEditor({
  user,
  isSelf,
  onNotice,
  onClose,
}: {
  user: User;
  isSelf: boolean;
  onNotice: (message: string) => void;
  onClose: () => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [user.id]);
  return (
    <section className="card person-editor" aria-labelledby="person-editor-heading">
      <div className="person-editor-head">
        <h2 id="person-editor-heading" ref={headingRef} tabIndex={-1}>
          Change {user.name}
        </h2>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="hint">
        {user.email}
        {isSelf ? ' · this is you' : ''}
      </p>
      <div className="person-editor-parts">
        <RolesPart key={`${user.id}:${user.roles.join()}:${user.urgent}`} user={user} onNotice={onNotice} />
        <div>
          <DisablePart user={user} isSelf={isSelf} onNotice={onNotice} />
          <ResetPasswordPart user={user} isSelf={isSelf} onNotice={onNotice} />
        </div>
      </div>
    </section>
  );
}

function RolesPart({ user, onNotice }: { user: User; onNotice: (message: string) => void }) {
  const [roles, setRoles] = useState<Role[]>([...user.roles]);
  const [urgent, setUrgent] = useState(user.urgent);
  const update = usePersonUpdate(user, (saved) => onNotice(savedRolesMessage(saved)));
  const unchanged = roles.join() === user.roles.join() && urgent === user.urgent;
  return (
    <form
      aria-label={`Roles of ${user.name}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ roles, urgent });
      }}
    >
      <RolesFieldset
        roles={roles}
        onRoles={setRoles}
        urgent={urgent}
        onUrgent={setUrgent}
        rolesError={errorFor(update.error, 'roles')}
        urgentError={errorFor(update.error, 'urgent')}
      />
      <FormError error={update.error} fields={['roles', 'urgent']} notDone="Not saved" />
      <button type="submit" className="button primary" disabled={update.isPending || unchanged}>
        Save roles
      </button>
    </form>
  );
}

function DisablePart({ user, isSelf, onNotice }: { user: User; isSelf: boolean; onNotice: (message: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const update = usePersonUpdate(user, (saved) => {
    setConfirming(false);
    onNotice(
      saved.disabled
        ? `${saved.name} is disabled and has been signed out everywhere. Their updates and the audit log are kept.`
        : `${saved.name} is enabled again and can sign in.`,
    );
  });
  const errorId = `disable-error-${user.id}`;
  const error = update.error?.message;
  return (
    <section className="person-part" aria-labelledby={`disable-${user.id}`}>
      <h3 id={`disable-${user.id}`}>{user.disabled ? 'Enable' : 'Disable'}</h3>
      {error && (
        <p id={errorId} role="alert" className="error-text field-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
      {user.disabled ? (
        <>
          <p>{user.name} cannot sign in. Enabling lets them sign in again with their password.</p>
          <button
            type="button"
            className="button"
            disabled={update.isPending}
            onClick={() => update.mutate({ disabled: false })}
          >
            Enable {user.name}
          </button>
        </>
      ) : confirming ? (
        <div className="confirm-box" role="group" aria-label={`Confirm disabling ${user.name}`}>
          <p>
            {isSelf
              ? 'You will be signed out everywhere at once and will not be able to sign in. Your updates, comments and the audit log are kept, and another admin can enable you again.'
              : `${user.name} will be signed out everywhere at once and will not be able to sign in. Their updates, comments and the audit log are kept, and an admin can enable them again.`}
          </p>
          <button
            type="button"
            className="button danger"
            disabled={update.isPending}
            aria-describedby={error ? errorId : undefined}
            onClick={() => update.mutate({ disabled: true })}
          >
            Yes, disable {user.name}
          </button>{' '}
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <>
          <p>Disable someone who has left or should no longer publish. Nothing they did is deleted.</p>
          <button type="button" className="button" onClick={() => setConfirming(true)}>
            Disable {user.name}…
          </button>
        </>
      )}
    </section>
  );
}

function ResetPasswordPart({
  user,
  isSelf,
  onNotice,
}: {
  user: User;
  isSelf: boolean;
  onNotice: (message: string) => void;
}) {
  const [password, setPassword] = useState('');
  const [confirming, setConfirming] = useState(false);
  const update = usePersonUpdate(user, (saved) => {
    setPassword('');
    setConfirming(false);
    onNotice(
      `${saved.name}’s password is reset and they have been signed out everywhere. Tell them the new password in person or by phone.`,
    );
  });
  return (
    <section className="person-part" aria-labelledby={`reset-${user.id}`}>
      <h3 id={`reset-${user.id}`}>Reset password</h3>
      {isSelf && <p className="hint">To change your own password, use “Your account” below instead.</p>}
      <form
        noValidate
        aria-label={`Reset the password of ${user.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (confirming) update.mutate({ password });
          else setConfirming(true);
        }}
      >
        <TextField
          label={`New password for ${user.name}`}
          type="password"
          value={password}
          onChange={(v) => {
            setPassword(v);
            setConfirming(false);
          }}
          autoComplete="new-password"
          hint="At least 12 characters. They should change it under “Your account” after signing in."
          error={errorFor(update.error, 'password')}
        />
        <FormError error={update.error} fields={['password']} notDone="Not reset" className="error-text" />
        {confirming ? (
          <div className="confirm-box" role="group" aria-label={`Confirm the password reset of ${user.name}`}>
            <p>{user.name} will be signed out everywhere and must sign in with this new password.</p>
            <button type="submit" className="button danger" disabled={update.isPending}>
              Yes, reset the password
            </button>{' '}
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="submit" className="button">
            Reset password…
          </button>
        )}
      </form>
    </section>
  );
}
