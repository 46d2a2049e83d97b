import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../../../shared/domain/people.ts';
import { CoreError } from '../errors.ts';

/** A signed-in person acting through a UI. */
export type UserActor = {
  kind: 'user';
  id: string;
  name: string;
  email: string;
  roles: readonly Role[];
  urgent: boolean;
  /** The session the call came with (sessions.id, a hash of the token). */
  sessionId: string;
};

/** Something the app does by itself (the queue worker, a migration), named in the audit log. */
export type SystemActor = { kind: 'system'; id: null; name: string };

export type Actor = UserActor | SystemActor;

export const WORKER_ACTOR: SystemActor = { kind: 'system', id: null, name: 'Queue worker' };

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.kind === 'user' && actor.roles.includes(role);
}

const ROLE_NEEDED: Record<Role, string> = {
  author: 'an author',
  approver: 'an approver',
  admin: 'an admin',
};

/** Refuses, in plain English, unless the person has one of `roles`. */
export function requireRole(actor: Actor, roles: readonly Role[], toDo: string): UserActor {
  if (actor.kind !== 'user') throw new CoreError('forbidden', `Only a signed-in person can ${toDo}.`);
  if (!roles.some((r) => actor.roles.includes(r))) {
    const names = roles.map((r) => ROLE_NEEDED[r]).join(' or ');
    throw new CoreError('forbidden', `Only ${names} can ${toDo}. Ask an admin if you need that role.`);
  }
  return actor;
}

/**
 * The person whose call is running, for code far from the handler that must
 * name them (the email module's audit hook). Set by dispatch for the length
 * of each signed-in call; undefined in the worker and the unsubscribe page.
 */
export const currentActor = new AsyncLocalStorage<UserActor>();
