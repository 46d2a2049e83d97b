import { z } from 'zod';
import {
  AuthState,
  ChangeUser,
  EmailAddress,
  NewUser,
  Password,
  PersonName,
  SessionInfo,
  SignedIn,
  User,
} from '../domain/people.ts';
import { Empty, method } from './method.ts';

export const peopleMethods = {
  'auth.state': method(Empty, AuthState, 'Whether to show set-up, sign-in, the lock screen or the app', {
    access: 'public',
  }),
  'auth.setup': method(
    z.object({ name: PersonName, email: EmailAddress, password: Password }),
    SignedIn,
    'First run only: create the first admin and sign them in',
    { access: 'public' },
  ),
  'auth.signIn': method(
    z.object({ email: z.string().trim().max(254), password: z.string().max(200) }),
    SignedIn,
    'Sign in with an email address and password',
    { access: 'public' },
  ),
  'auth.unlock': method(
    z.object({ password: z.string().max(200) }),
    SessionInfo,
    'Unlock a session that locked after being idle',
    { access: 'public' },
  ),
  'auth.lock': method(Empty, z.object({ locked: z.boolean() }), 'Lock this session now (stepping away)', {
    access: 'public',
  }),
  'auth.signOut': method(Empty, z.object({ signedOut: z.boolean() }), 'End this session', { access: 'public' }),
  'auth.changePassword': method(
    z.object({ current: z.string().max(200), next: Password }),
    z.object({ changed: z.literal(true) }),
    'Change your own password',
  ),
  'people.list': method(Empty, z.array(User), 'Everyone who can sign in (and who is disabled)'),
  'people.create': method(NewUser, User, 'Admins: add a person with roles and a first password'),
  'people.update': method(ChangeUser, User, 'Admins: rename, re-role, disable or reset the password of a person'),
} as const;
