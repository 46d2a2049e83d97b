import type { Core } from '../electron/core/app.ts';

/** Calls a method as `session` (the admin's by default) and returns its value, or throws with the core's message. */
export type BenchCall = <T>(method: string, input: unknown, as?: string) => Promise<T>;

/**
 * Every method needs a signed-in person, and only an approved version is
 * published: the benchmarks set up an admin (who writes) and a second person
 * who approves, before any clock starts.
 */
export async function benchPeople(core: Core): Promise<{ call: BenchCall; session: string; approverSession: string }> {
  const setup = await core.call('auth.setup', {
    name: 'Bench Admin',
    email: 'bench.admin@example.gov.uk',
    password: 'a long bench password',
  });
  if (!setup.ok) throw new Error(`auth.setup: ${setup.error.message}`);
  const session = (setup.value as { token: string }).token;
  const call: BenchCall = async <T>(method: string, input: unknown, as = session): Promise<T> => {
    const r = await core.call(method, input, { session: as });
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as T;
  };
  const approver = { email: 'bench.approver@example.gov.uk', password: 'another long bench password' };
  await call('people.create', { name: 'Bench Approver', roles: ['approver'], ...approver });
  const approverSession = (await call<{ token: string }>('auth.signIn', approver)).token;
  return { call, session, approverSession };
}
