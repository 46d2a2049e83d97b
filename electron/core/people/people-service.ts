import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ParsedInput } from '../../../shared/contract.ts';
import { Role, type AuthState, type SessionInfo, type User } from '../../../shared/domain/people.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { CoreError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { SqlDb, SqlExecutor } from '../store/sql.ts';
import { requireRole, type UserActor } from './actor.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export type PeopleDeps = {
  db: SqlDb;
  audit: AuditLog;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** Read on every call, so a settings change applies at once. */
  idleLockMinutes: () => Promise<number>;
};

const RolesColumn = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(Role));
const UserRow = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  roles_json: RolesColumn,
  urgent: z.coerce.number().transform((n) => n === 1),
  password_hash: z.string(),
  disabled_at: z.string().nullable(),
  created_at: z.string(),
});
type UserRecord = User & { passwordHash: string };

function toUser(row: unknown): UserRecord {
  const r = UserRow.parse(row);
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    roles: r.roles_json,
    urgent: r.urgent,
    disabled: r.disabled_at !== null,
    createdAt: r.created_at,
    passwordHash: r.password_hash,
  };
}

const publicUser = ({ passwordHash: _, ...user }: UserRecord): User => user;
const emailKey = (email: string) => email.trim().toLowerCase();
const tokenId = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const USER_COLUMNS = 'id, name, email, roles_json, urgent, password_hash, disabled_at, created_at';
/** The same columns of `users u`, for the session look-up's join. */
const SESSION_USER_COLUMNS = USER_COLUMNS.split(', ')
  .map((c) => `u.${c}`)
  .join(', ');

/** Sign-in failures allowed per address in the window before it is refused for the rest of the window. */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;
/** last_seen_at is written at most this often (every call would be a write). */
const TOUCH_EVERY_MS = 30_000;

export type Authenticated = { ok: true; actor: UserActor } | { ok: false; code: 'unauthorized' | 'locked' };

/**
 * People, passwords and sessions. A session token is 32 random bytes; only
 * its sha256 is stored, so a copy of the database cannot be used to sign in.
 * A session idle for longer than the setting locks: the next call is refused
 * with `locked` until the same person enters their password again.
 */
export function createPeopleService({ db, audit, logger, now, newId, idleLockMinutes }: PeopleDeps) {
  const failures = new Map<string, number[]>();

  const byEmail = async (tx: SqlExecutor, email: string) => {
    const row = await tx.one(`SELECT ${USER_COLUMNS} FROM users WHERE email_key = $1`, [emailKey(email)]);
    return row ? toUser(row) : undefined;
  };
  const byId = async (tx: SqlExecutor, id: string) => {
    const row = await tx.one(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return row ? toUser(row) : undefined;
  };
  const asActor = (user: User, sessionId: string): UserActor => ({
    kind: 'user',
    id: user.id,
    name: user.name,
    email: user.email,
    roles: user.roles,
    urgent: user.urgent,
    sessionId,
  });
  const sessionInfo = async (user: User): Promise<SessionInfo> => ({
    user,
    idleLockMinutes: await idleLockMinutes(),
  });

  async function startSession(tx: SqlExecutor, user: User) {
    const token = randomBytes(32).toString('base64url');
    const time = now().toISOString();
    await tx.run('INSERT INTO sessions (id, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)', [
      tokenId(token),
      user.id,
      time,
    ]);
    return { token, sessionId: tokenId(token) };
  }

  async function insertUser(tx: SqlExecutor, input: ParsedInput<'people.create'>): Promise<User> {
    if (await byEmail(tx, input.email)) {
      throw new CoreError('conflict', `Someone with the email ${input.email} already exists.`, { field: 'email' });
    }
    const id = newId();
    const time = now().toISOString();
    await tx.run(
      `INSERT INTO users (id, name, email, email_key, roles_json, urgent, password_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [
        id,
        input.name,
        input.email.trim(),
        emailKey(input.email),
        JSON.stringify(input.roles),
        Number(input.urgent),
        await hashPassword(input.password),
        time,
      ],
    );
    return publicUser((await byId(tx, id)) as UserRecord);
  }

  function tooManyFailures(key: string): boolean {
    const cutoff = now().getTime() - FAILURE_WINDOW_MS;
    const recent = (failures.get(key) ?? []).filter((t) => t > cutoff);
    failures.set(key, recent);
    return recent.length >= MAX_FAILURES;
  }

  const activeAdmins = async (tx: SqlExecutor) =>
    (await tx.all(`SELECT ${USER_COLUMNS} FROM users WHERE disabled_at IS NULL`))
      .map(toUser)
      .filter((u) => u.roles.includes('admin'));

  return {
    async state(token: string | undefined): Promise<AuthState> {
      const anyone = await db.one('SELECT id FROM users LIMIT 1');
      if (!anyone) return { state: 'setup' };
      if (!token) return { state: 'signed_out' };
      const found = await this.authenticate(token);
      if (found.ok) {
        const user = (await byId(db, found.actor.id)) as UserRecord;
        return { state: 'signed_in', session: await sessionInfo(publicUser(user)) };
      }
      if (found.code === 'locked') {
        const row = await db.one('SELECT user_id FROM sessions WHERE id = $1', [tokenId(token)]);
        const user = row ? await byId(db, String(row.user_id)) : undefined;
        if (user) return { state: 'locked', user: publicUser(user) };
      }
      return { state: 'signed_out' };
    },

    /** First run only: the first person becomes the admin (and author and approver, with the urgent permission). */
    async setup(input: ParsedInput<'auth.setup'>) {
      const result = await db.transaction(async (tx) => {
        if (tx.engine === 'postgres') await tx.run('LOCK TABLE users IN EXCLUSIVE MODE');
        if (await tx.one('SELECT id FROM users LIMIT 1')) {
          throw new CoreError('conflict', 'Town Crier is already set up. Sign in, or ask an admin to add you.');
        }
        const user = await insertUser(tx, { ...input, roles: ['author', 'approver', 'admin'], urgent: true });
        const session = await startSession(tx, user);
        const actor = asActor(user, session.sessionId);
        await audit.record(tx, actor, {
          action: 'auth.setup',
          subjectType: 'user',
          subjectId: user.id,
          details: { email: user.email, roles: user.roles },
        });
        return { user, token: session.token };
      });
      return { ...(await sessionInfo(result.user)), token: result.token };
    },

    async signIn(input: ParsedInput<'auth.signIn'>) {
      const key = emailKey(input.email);
      if (tooManyFailures(key)) {
        throw new CoreError(
          'unauthorized',
          'Too many wrong passwords for this address. Wait 15 minutes, or ask an admin to reset your password.',
        );
      }
      const user = await byEmail(db, input.email);
      const passwordOk = await verifyPassword(input.password, user?.passwordHash);
      if (!user || !passwordOk || user.disabled) {
        failures.set(key, [...(failures.get(key) ?? []), now().getTime()]);
        // Never the password, and not the address either (it may be a password typed in the wrong box).
        logger.warn('A sign-in was refused', { known: user !== undefined, disabled: user?.disabled ?? false });
        await db.transaction((tx) =>
          audit.record(
            tx,
            { kind: 'system', id: null, name: 'Sign-in' },
            {
              action: 'auth.sign_in_failed',
              subjectType: 'user',
              subjectId: user?.id ?? null,
              details: { email: input.email.slice(0, 254), reason: !user || !passwordOk ? 'password' : 'disabled' },
            },
          ),
        );
        if (user && passwordOk && user.disabled) {
          throw new CoreError('unauthorized', 'Your account has been disabled. Ask an admin if this is a mistake.');
        }
        throw new CoreError('unauthorized', 'That email address and password do not match.');
      }
      failures.delete(key);
      const session = await db.transaction(async (tx) => {
        const started = await startSession(tx, user);
        await audit.record(tx, asActor(user, started.sessionId), {
          action: 'auth.signed_in',
          subjectType: 'user',
          subjectId: user.id,
        });
        return started;
      });
      return { ...(await sessionInfo(publicUser(user))), token: session.token };
    },

    /**
     * Who a token belongs to, or why it is refused. Locks the session when it
     * has been idle too long, and otherwise marks it as seen.
     */
    async authenticate(token: string | undefined): Promise<Authenticated> {
      if (!token || token.length > 200) return { ok: false, code: 'unauthorized' };
      const id = tokenId(token);
      // One read on every call: the session and its person together.
      const row = await db.one(
        `SELECT ${SESSION_USER_COLUMNS}, s.last_seen_at, s.locked_at, s.ended_at
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
        [id],
      );
      if (!row || row.ended_at !== null || row.disabled_at !== null) return { ok: false, code: 'unauthorized' };
      if (row.locked_at !== null) return { ok: false, code: 'locked' };
      const time = now();
      const idleMs = time.getTime() - new Date(String(row.last_seen_at)).getTime();
      if (idleMs > (await idleLockMinutes()) * 60_000) {
        await db.run('UPDATE sessions SET locked_at = $1 WHERE id = $2 AND locked_at IS NULL', [
          time.toISOString(),
          id,
        ]);
        return { ok: false, code: 'locked' };
      }
      if (idleMs > TOUCH_EVERY_MS) {
        await db.run('UPDATE sessions SET last_seen_at = $1 WHERE id = $2', [time.toISOString(), id]);
      }
      return { ok: true, actor: asActor(toUser(row), id) };
    },

    async lock(token: string | undefined) {
      if (!token) return { locked: false };
      const id = tokenId(token);
      return db.transaction(async (tx) => {
        const row = await tx.one('SELECT user_id FROM sessions WHERE id = $1 AND ended_at IS NULL', [id]);
        if (!row) return { locked: false };
        const { changes } = await tx.run('UPDATE sessions SET locked_at = $1 WHERE id = $2 AND locked_at IS NULL', [
          now().toISOString(),
          id,
        ]);
        const user = await byId(tx, String(row.user_id));
        if (changes > 0 && user) {
          await audit.record(tx, asActor(user, id), { action: 'auth.locked', subjectType: 'user', subjectId: user.id });
        }
        return { locked: true };
      });
    },

    async unlock(token: string | undefined, password: string): Promise<SessionInfo> {
      const id = token ? tokenId(token) : '';
      // Locked, or idle long enough to lock on its next call: either way the password opens it again.
      const row = await db.one('SELECT user_id FROM sessions WHERE id = $1 AND ended_at IS NULL', [id]);
      const user = row ? await byId(db, String(row.user_id)) : undefined;
      if (!user || user.disabled) throw new CoreError('unauthorized', 'This session has ended. Sign in again.');
      if (tooManyFailures(emailKey(user.email))) {
        throw new CoreError('unauthorized', 'Too many wrong passwords. Sign out and wait 15 minutes.');
      }
      if (!(await verifyPassword(password, user.passwordHash))) {
        const key = emailKey(user.email);
        failures.set(key, [...(failures.get(key) ?? []), now().getTime()]);
        throw new CoreError('unauthorized', 'That password is not right.', { field: 'password' });
      }
      await db.transaction(async (tx) => {
        const time = now().toISOString();
        await tx.run('UPDATE sessions SET locked_at = NULL, last_seen_at = $1 WHERE id = $2', [time, id]);
        await audit.record(tx, asActor(user, id), { action: 'auth.unlocked', subjectType: 'user', subjectId: user.id });
      });
      return sessionInfo(publicUser(user));
    },

    async signOut(token: string | undefined) {
      if (!token) return { signedOut: false };
      const id = tokenId(token);
      return db.transaction(async (tx) => {
        const row = await tx.one('SELECT user_id FROM sessions WHERE id = $1 AND ended_at IS NULL', [id]);
        if (!row) return { signedOut: false };
        await tx.run('UPDATE sessions SET ended_at = $1 WHERE id = $2', [now().toISOString(), id]);
        const user = await byId(tx, String(row.user_id));
        if (user) {
          await audit.record(tx, asActor(user, id), {
            action: 'auth.signed_out',
            subjectType: 'user',
            subjectId: user.id,
          });
        }
        return { signedOut: true };
      });
    },

    async changePassword(actor: UserActor, input: ParsedInput<'auth.changePassword'>) {
      const user = await byId(db, actor.id);
      if (!user || !(await verifyPassword(input.current, user.passwordHash))) {
        throw new CoreError('unauthorized', 'Your current password is not right.', { field: 'current' });
      }
      const hash = await hashPassword(input.next);
      await db.transaction(async (tx) => {
        await tx.run('UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3', [
          hash,
          now().toISOString(),
          actor.id,
        ]);
        // Every other session of this person ends: a changed password is often a response to a leak.
        await tx.run('UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND id <> $3 AND ended_at IS NULL', [
          now().toISOString(),
          actor.id,
          actor.sessionId,
        ]);
        await audit.record(tx, actor, {
          action: 'user.changed',
          subjectType: 'user',
          subjectId: actor.id,
          details: { changed: ['password'] },
        });
      });
      return { changed: true as const };
    },

    async list(actor: UserActor): Promise<User[]> {
      void actor;
      const rows = await db.all(`SELECT ${USER_COLUMNS} FROM users ORDER BY lower(name), id`);
      return rows.map((r) => publicUser(toUser(r)));
    },

    async create(actor: UserActor, input: ParsedInput<'people.create'>): Promise<User> {
      requireRole(actor, ['admin'], 'add people');
      return db.transaction(async (tx) => {
        const user = await insertUser(tx, input);
        await audit.record(tx, actor, {
          action: 'user.created',
          subjectType: 'user',
          subjectId: user.id,
          details: { name: user.name, email: user.email, roles: user.roles, urgent: user.urgent },
        });
        return user;
      });
    },

    async update(actor: UserActor, input: ParsedInput<'people.update'>): Promise<User> {
      requireRole(actor, ['admin'], 'change people');
      const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
      return db.transaction(async (tx) => {
        if (tx.engine === 'postgres') await tx.run('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
        const before = await byId(tx, input.id);
        if (!before) throw new CoreError('not_found', 'That person does not exist.');
        const roles = input.roles ?? before.roles;
        const disabled = input.disabled ?? before.disabled;
        if (before.roles.includes('admin') && !before.disabled && (!roles.includes('admin') || disabled)) {
          const admins = await activeAdmins(tx);
          if (admins.length <= 1) {
            throw new CoreError(
              'conflict',
              `${before.name} is the only admin. Make someone else an admin first, so nobody is locked out.`,
              { field: input.disabled ? 'disabled' : 'roles' },
            );
          }
        }
        const time = now().toISOString();
        await tx.run(
          `UPDATE users SET name = $1, roles_json = $2, urgent = $3, disabled_at = $4, updated_at = $5,
             password_hash = COALESCE($6, password_hash) WHERE id = $7`,
          [
            input.name ?? before.name,
            JSON.stringify(roles),
            Number(input.urgent ?? before.urgent),
            disabled ? (before.disabled ? await disabledAt(tx, input.id) : time) : null,
            time,
            passwordHash ?? null,
            input.id,
          ],
        );
        if (disabled || passwordHash) {
          // A disabled person, or one whose password an admin reset, is signed out everywhere.
          await tx.run('UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL', [time, input.id]);
        }
        const after = (await byId(tx, input.id)) as UserRecord;
        const changed = [
          ...(after.name !== before.name ? ['name'] : []),
          ...(JSON.stringify(after.roles) !== JSON.stringify(before.roles) ? ['roles'] : []),
          ...(after.urgent !== before.urgent ? ['urgent'] : []),
          ...(after.disabled !== before.disabled ? [after.disabled ? 'disabled' : 'enabled'] : []),
          ...(passwordHash ? ['password reset'] : []),
        ];
        await audit.record(tx, actor, {
          action: 'user.changed',
          subjectType: 'user',
          subjectId: input.id,
          details: { changed, roles: after.roles, urgent: after.urgent, disabled: after.disabled },
        });
        return publicUser(after);
      });
    },

    /** For other services: a person by id (null when unknown), without the password hash. */
    async get(tx: SqlExecutor, id: string): Promise<User | null> {
      const user = await byId(tx, id);
      return user ? publicUser(user) : null;
    },
  };
}

async function disabledAt(tx: SqlExecutor, id: string): Promise<string | null> {
  const row = await tx.one('SELECT disabled_at FROM users WHERE id = $1', [id]);
  return row?.disabled_at === null || row?.disabled_at === undefined ? null : String(row.disabled_at);
}

export type PeopleService = ReturnType<typeof createPeopleService>;
