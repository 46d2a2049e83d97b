import type { Core } from '../../electron/core/app.ts';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract.ts';

/**
 * People for tests that go through `core.call`: every method but the public
 * ones needs a signed-in session, exactly as in the app. `signedIn(core)`
 * runs first-run set-up (Ada, the admin, who is also an author and an
 * approver with the urgent permission) and returns a Core whose calls carry
 * her session. `colleague(core, roles)` adds another person and returns their
 * Core; `approveCurrent` takes an update through submit → approve by a second
 * person, the only way anything is published.
 */
export const ADA = { name: 'Ada Admin', email: 'ada@council.example', password: 'correct horse battery' };

type Bound = Core & { readonly session: string; readonly userId: string; readonly raw: Core };
const approvers = new WeakMap<Core, Promise<Bound>>();

export function withSession(raw: Core, session: string, userId: string): Bound {
  return {
    ...raw,
    raw,
    session,
    userId,
    call: (method, input, meta) => raw.call(method, input, meta ?? { session }),
  };
}

async function ok<M extends MethodName>(core: Core, method: M, input: MethodInput<M>, session?: string) {
  const result = await core.call(method, input, session === undefined ? undefined : { session });
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as MethodOutput<M>;
}

/** First-run set-up on a fresh store (or Ada signing in on one set up before); the returned Core acts as Ada. */
export async function signedIn(raw: Core): Promise<Bound> {
  const base = 'raw' in raw ? (raw as Bound).raw : raw;
  // A store opened before (a second desktop, a reopened file) is already set up: Ada signs in instead.
  const state = await ok(base, 'auth.state', {});
  const admin =
    state.state === 'setup'
      ? await ok(base, 'auth.setup', ADA)
      : await ok(base, 'auth.signIn', { email: ADA.email, password: ADA.password });
  return withSession(base, admin.token, admin.user.id);
}

let counter = 0;

/** Adds a person (as Ada, who must be the bound admin) and signs them in. */
export async function colleague(
  admin: Core,
  roles: ('author' | 'approver' | 'admin')[],
  extra: { name?: string; urgent?: boolean } = {},
): Promise<Bound> {
  const base = (admin as Bound).raw ?? admin;
  counter += 1;
  const email = `person${counter}.${Date.now()}@council.example`;
  const password = 'another long passphrase';
  const user = await ok(admin, 'people.create', {
    name: extra.name ?? `Colleague ${counter}`,
    email,
    roles,
    urgent: extra.urgent ?? false,
    password,
  });
  const signed = await ok(base, 'auth.signIn', { email, password });
  return withSession(base, signed.token, user.id);
}

/** The second approver for this admin's core, made once. */
export function approverFor(admin: Core): Promise<Bound> {
  let found = approvers.get(admin);
  if (!found) {
    found = colleague(admin, ['approver'], { name: 'Priya Approver' });
    approvers.set(admin, found);
  }
  return found;
}

/** Submits the update's current version as `author` and approves it as a second person. */
export async function approveCurrent(author: Core, updateId: string): Promise<void> {
  const approver = await approverFor(author);
  const update = await ok(author, 'updates.get', { id: updateId });
  if (update.reviewState === 'approved') return;
  await ok(author, 'review.submit', { updateId, revision: update.revision });
  await ok(approver, 'review.approve', { updateId, revision: update.revision });
}

/** After a test moves the clock past the idle time: both people enter their passwords again, as they would. */
export async function unlockAfterIdle(admin: Core): Promise<void> {
  const bound = admin as Bound;
  await ok(bound.raw, 'auth.unlock', { password: ADA.password }, bound.session);
  const approver = approvers.get(admin);
  if (approver) {
    const b = await approver;
    await ok(b.raw, 'auth.unlock', { password: 'another long passphrase' }, b.session);
  }
}
