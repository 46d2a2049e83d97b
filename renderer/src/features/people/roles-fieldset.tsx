import { useId } from 'react';
import { ROLE_LABELS, Role } from '../../../../shared/domain/people.ts';

/** What each role may do, said where the roles are chosen. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  author: 'writes updates and submits them for approval',
  approver: 'reviews other people’s updates and approves them or asks for changes',
  admin: 'adds people, changes their roles and sets how many approvals an update needs',
};

/**
 * The role checkboxes in a fieldset with a legend (so each checkbox is heard
 * as "Roles, Author"), and the separate urgent-publishing permission.
 */
export function RolesFieldset(props: {
  roles: readonly Role[];
  onRoles: (roles: Role[]) => void;
  urgent: boolean;
  onUrgent: (urgent: boolean) => void;
  rolesError?: string | undefined;
  urgentError?: string | undefined;
}) {
  const id = useId();
  const errorId = `${id}-roles-error`;
  const urgentErrorId = `${id}-urgent-error`;
  const toggle = (role: Role, on: boolean) =>
    props.onRoles(Role.options.filter((r) => (r === role ? on : props.roles.includes(r))));
  return (
    <>
      <fieldset className="roles-fieldset" aria-describedby={props.rolesError ? errorId : undefined}>
        <legend>Roles</legend>
        <p className="hint">Choose at least one. A person can have several.</p>
        {props.rolesError && (
          <p id={errorId} className="error-text field-error">
            <span aria-hidden="true">⚠ </span>
            {props.rolesError}
          </p>
        )}
        {Role.options.map((role) => (
          <div className="check-row" key={role}>
            <input
              id={`${id}-${role}`}
              type="checkbox"
              checked={props.roles.includes(role)}
              aria-describedby={`${id}-${role}-what`}
              onChange={(e) => toggle(role, e.target.checked)}
            />
            <label htmlFor={`${id}-${role}`}>{ROLE_LABELS[role]}</label>
            <span id={`${id}-${role}-what`} className="hint">
              {ROLE_DESCRIPTIONS[role]}
            </span>
          </div>
        ))}
      </fieldset>
      <fieldset className="roles-fieldset" aria-describedby={props.urgentError ? urgentErrorId : undefined}>
        <legend>Urgent publishing</legend>
        {props.urgentError && (
          <p id={urgentErrorId} className="error-text field-error">
            <span aria-hidden="true">⚠ </span>
            {props.urgentError}
          </p>
        )}
        <div className="check-row">
          <input
            id={`${id}-urgent`}
            type="checkbox"
            checked={props.urgent}
            aria-describedby={`${id}-urgent-what`}
            onChange={(e) => props.onUrgent(e.target.checked)}
          />
          <label htmlFor={`${id}-urgent`}>May publish urgently</label>
          <span id={`${id}-urgent-what`} className="hint">
            without waiting for approval, giving a reason (severe weather, emergencies); it is reviewed afterwards
          </span>
        </div>
      </fieldset>
    </>
  );
}
