import { z } from 'zod';

/**
 * Who can do what. A person has one or more roles; "urgent" is a separate
 * permission (publishing without approval, with a reason, in an emergency).
 */
export const Role = z.enum(['author', 'approver', 'admin']);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = { author: 'Author', approver: 'Approver', admin: 'Admin' };

export const UserId = z.uuid({ message: 'Must be a user id' });
const IsoTime = z.iso.datetime({ offset: true });

export const PersonName = z
  .string()
  .trim()
  .min(1, 'Enter a name')
  .max(120, 'A name can be at most 120 characters')
  .refine((s) => !/\p{Cc}/u.test(s), 'A name cannot contain control characters');

/** A work email address: one @, no spaces or control characters, a dot in the domain. */
export const EmailAddress = z
  .string()
  .trim()
  .max(254, 'An email address can be at most 254 characters')
  .regex(/^[^\s@<>",;\p{Cc}]+@[^\s@<>",;\p{Cc}]+\.[^\s@<>",;\p{Cc}]+$/u, {
    message: 'Enter an email address like name@council.gov.uk',
  });

/** At least 12 characters: long passphrases beat complexity rules (NCSC guidance). */
export const Password = z
  .string()
  .min(12, 'A password must be at least 12 characters')
  .max(200, 'A password can be at most 200 characters');

export const Roles = z
  .array(Role)
  .min(1, 'Choose at least one role')
  .transform((roles) => Role.options.filter((r) => roles.includes(r)));

export const User = z.object({
  id: UserId,
  name: z.string(),
  email: z.string(),
  roles: z.array(Role),
  /** May publish without approval, giving a reason (severe weather, emergencies). */
  urgent: z.boolean(),
  disabled: z.boolean(),
  createdAt: IsoTime,
});
export type User = z.infer<typeof User>;

/** The signed-in person and what the UI should offer them. */
export const SessionInfo = z.object({
  user: User,
  /** Minutes without activity before this session locks. */
  idleLockMinutes: z.number().int().positive(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const SignedIn = SessionInfo.extend({
  /** Sent with every later call; held in memory (and the tab's sessionStorage), never in a URL. */
  token: z.string(),
});

export const AuthState = z.discriminatedUnion('state', [
  /** No one exists yet: the first person to sign up becomes the admin. */
  z.object({ state: z.literal('setup') }),
  z.object({ state: z.literal('signed_out') }),
  z.object({ state: z.literal('locked'), user: User }),
  z.object({ state: z.literal('signed_in'), session: SessionInfo }),
]);
export type AuthState = z.infer<typeof AuthState>;

export const NewUser = z.object({
  name: PersonName,
  email: EmailAddress,
  roles: Roles,
  urgent: z.boolean().default(false),
  /** A first password the person changes after signing in. */
  password: Password,
});

export const ChangeUser = z.object({
  id: UserId,
  name: PersonName.optional(),
  roles: Roles.optional(),
  urgent: z.boolean().optional(),
  disabled: z.boolean().optional(),
  /** An admin's reset of someone's password. */
  password: Password.optional(),
});
