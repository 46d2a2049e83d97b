import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { User } from '../../../../shared/domain/people.ts';
import { useClient } from '../../client-context.tsx';
import { useHasRole, useSession } from '../auth/session-context.tsx';
import { AddPersonForm } from './add-person-form.tsx';
import { ApprovalPolicySection } from './approval-policy-form.tsx';
import { ChangePasswordForm } from './change-password-form.tsx';
import { IdleLockSection } from './idle-lock-form.tsx';
import { rolesInWords } from './describe-person.ts';
import { PersonEditor } from './person-editor.tsx';
import './people.css';

/**
 * People (admins): everyone who can sign in, adding a person, changing one,
 * and the approval rules. Everyone else sees what they are allowed and who
 * the admins are. "Your account" (changing your own password) is for all.
 */
export function PeoplePage() {
  const isAdmin = useHasRole('admin');
  return (
    <section aria-labelledby="people-heading" className="people">
      <header className="page-header">
        <h1 id="people-heading">{isAdmin ? 'People' : 'People and your account'}</h1>
      </header>
      {isAdmin ? <PeopleAdmin /> : <NotAnAdmin />}
      <YourAccount />
    </section>
  );
}

function usePeople() {
  const client = useClient();
  return useQuery({ queryKey: ['people', 'list'], queryFn: () => client.call('people.list', {}) });
}

function PeopleAdmin() {
  const people = usePeople();
  const { user: me } = useSession();
  const [editingId, setEditingId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const editing = people.data?.find((p) => p.id === editingId);
  return (
    <>
      <div role="status" className="people-notice">
        {notice && <p className="notice">{notice}</p>}
      </div>
      <section className="card" aria-labelledby="everyone-heading">
        <h2 id="everyone-heading">Everyone{people.data ? ` (${people.data.length})` : ''}</h2>
        {people.isError && (
          <p role="alert" className="error-box">
            Could not load the people: {people.error.message}
          </p>
        )}
        {people.isPending && <p>Loading…</p>}
        {people.data && (
          <PeopleTable
            people={people.data}
            meId={me.id}
            editingId={editingId}
            onEdit={(id) => {
              setNotice(null);
              setEditingId(id === editingId ? null : id);
            }}
          />
        )}
      </section>
      {editing && (
        <PersonEditor
          user={editing}
          isSelf={editing.id === me.id}
          onNotice={setNotice}
          onClose={() => {
            setEditingId(null);
            // Back to the row's button, so a keyboard user is where they started.
            requestAnimationFrame(() =>
              document.querySelector<HTMLButtonElement>(`button[data-person-id="${editing.id}"]`)?.focus(),
            );
          }}
        />
      )}
      <div className="people-columns">
        <section className="card" aria-label="Add a person">
          <AddPersonForm
            onAdded={(user) =>
              setNotice(
                `Added ${user.name} as ${rolesInWords(user.roles)}. Give them their first password in person or by phone.`,
              )
            }
          />
        </section>
        <ApprovalPolicySection canChange />
        <IdleLockSection />
      </div>
    </>
  );
}

function PeopleTable({
  people,
  meId,
  editingId,
  onEdit,
}: {
  people: User[];
  meId: string;
  editingId: string | null;
  onEdit: (id: string) => void;
}) {
  return (
    <div className="table-scroll">
      <table className="data-table people-table">
        <caption className="visually-hidden">Everyone who can sign in, and who is disabled</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Roles</th>
            <th scope="col">Urgent publishing</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.id} className={p.disabled ? 'is-disabled' : undefined}>
              <th scope="row">
                {p.name}
                {p.id === meId && <span className="hint"> (you)</span>}
              </th>
              <td className="email-cell">{p.email}</td>
              <td>{rolesInWords(p.roles)}</td>
              <td>{p.urgent ? 'Yes' : 'No'}</td>
              <td>
                {p.disabled ? (
                  <span className="chip chip-attention">
                    <span aria-hidden="true">⊘</span> Disabled
                  </span>
                ) : (
                  <span className="chip chip-ok">
                    <span aria-hidden="true">✓</span> Active
                  </span>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="button"
                  aria-expanded={editingId === p.id}
                  aria-controls={editingId === p.id ? 'person-editor-heading' : undefined}
                  aria-label={`Change ${p.name}`}
                  data-person-id={p.id}
                  onClick={() => onEdit(p.id)}
                >
                  Change…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NotAnAdmin() {
  const people = usePeople();
  const admins = people.data?.filter((p) => p.roles.includes('admin') && !p.disabled).map((p) => p.name) ?? [];
  return (
    <>
      <section className="card" aria-labelledby="people-explain-heading">
        <h2 id="people-explain-heading">People and roles</h2>
        <p>
          Only an admin can add people, change their roles, disable them or reset a password.
          {admins.length > 0 && ` The admins here are: ${admins.join(', ')}.`} Ask one of them if you need another role
          or have forgotten your password.
        </p>
      </section>
      <ApprovalPolicySection canChange={false} />
    </>
  );
}

function YourAccount() {
  const { user } = useSession();
  return (
    <section className="card" aria-labelledby="your-account-heading">
      <h2 id="your-account-heading">Your account</h2>
      <dl className="account-facts">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Roles</dt>
        <dd>{rolesInWords(user.roles)}</dd>
        <dt>Urgent publishing</dt>
        <dd>{user.urgent ? 'Yes, you may publish urgently' : 'No'}</dd>
      </dl>
      <ChangePasswordForm />
    </section>
  );
}
