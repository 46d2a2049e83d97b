import { createContext, useContext, type ReactNode } from 'react';
import type { SessionInfo } from '../../../../shared/domain/people.ts';
import type { Role } from '../../../../shared/domain/people.ts';

type SessionValue = SessionInfo & {
  /** Ends the session and returns to the sign-in screen. */
  signOut(): Promise<void>;
  /** Locks now (stepping away from the desk). */
  lock(): Promise<void>;
};

const SessionContext = createContext<SessionValue | null>(null);

const beforeLock = new Set<() => Promise<unknown>>();

/**
 * Runs `save` (awaited) before the window locks or signs out, while the session still works: the editor
 * saves what was typed instead of losing it when the page behind the lock screen goes away.
 */
export function onBeforeLock(save: () => Promise<unknown>): () => void {
  beforeLock.add(save);
  return () => beforeLock.delete(save);
}

/** Called by the gate before locking or signing out. */
export async function runBeforeLock(): Promise<void> {
  await Promise.allSettled([...beforeLock].map((save) => save()));
}

export function SessionProvider({ value, children }: { value: SessionValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The signed-in person. Only used inside the signed-in app. */
export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in app');
  return session;
}

/** Whether the signed-in person has a role (the UI hides what they cannot do; the core refuses it anyway). */
export function useHasRole(role: Role): boolean {
  return useSession().user.roles.includes(role);
}
