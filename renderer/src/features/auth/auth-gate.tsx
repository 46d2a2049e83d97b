import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { CrierError } from '../../api.ts';
import { useClient } from '../../client-context.tsx';
import { TextField } from '../../components/text-field.tsx';
import { runBeforeLock, SessionProvider } from './session-context.tsx';

/** Activity that counts as "still here" for the idle lock. */
const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Decides what the window shows: first-run set-up, sign-in, the lock screen,
 * or the app. The core is what refuses calls without a session; this only
 * follows what it says (`auth.state`, and any call refused as signed out or
 * locked).
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: ['auth', 'state'], queryFn: () => client.call('auth.state', {}) });
  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: ['auth', 'state'] }), [queryClient]);

  useEffect(() => client.onAuthLost(() => void refresh()), [client, refresh]);

  const signedIn = state.data?.state === 'signed_in' ? state.data.session : null;
  // The gate switches to the lock or sign-in screen first (which unmounts the app), then everything the app had
  // read is dropped from memory, so nothing of it lingers behind the lock screen.
  const forgetAllButAuth = useCallback(
    () => queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' }),
    [queryClient],
  );
  const lock = useCallback(async () => {
    await runBeforeLock();
    await client.call('auth.lock', {}).catch(() => undefined);
    await refresh();
    forgetAllButAuth();
  }, [client, refresh, forgetAllButAuth]);
  const signOut = useCallback(async () => {
    await runBeforeLock();
    await client.call('auth.signOut', {}).catch(() => undefined);
    client.setSession(null);
    await refresh();
    forgetAllButAuth();
  }, [client, refresh, forgetAllButAuth]);

  // Lock in this window too after the idle time, so an unattended screen shows nothing.
  const idleMs = signedIn ? signedIn.idleLockMinutes * 60_000 : null;
  useEffect(() => {
    if (idleMs === null) return;
    let timer = setTimeout(() => void lock(), idleMs);
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void lock(), idleMs);
    };
    for (const name of ACTIVITY) window.addEventListener(name, reset, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const name of ACTIVITY) window.removeEventListener(name, reset);
    };
  }, [idleMs, lock]);

  if (state.isPending) {
    return (
      <main className="auth-screen" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  }
  if (state.isError) {
    return (
      <main className="auth-screen">
        <h1>Town Crier cannot reach its store</h1>
        <p role="alert" className="error-text">
          {state.error.message}
        </p>
        <button type="button" className="button" onClick={() => void state.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  switch (state.data.state) {
    case 'setup':
      return <SetupForm onDone={refresh} />;
    case 'signed_out':
      return <SignInForm onDone={refresh} />;
    case 'locked':
      return <UnlockForm name={state.data.user.name} onDone={refresh} onSignOut={signOut} />;
    case 'signed_in':
      return <SessionProvider value={{ ...state.data.session, lock, signOut }}>{children}</SessionProvider>;
  }
}

function useFocusFirst() {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/** The reason a sign-in, set-up or unlock failed, announced as it appears. */
function ErrorText({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="error-text">
      {error}
    </p>
  ) : null;
}

function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof CrierError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function SetupForm({ onDone }: { onDone: () => Promise<void> }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const first = useFocusFirst();
  const { error, busy, submit } = useSubmit(async () => {
    if (password !== again) throw new Error('The two passwords are different. Type the same password twice.');
    const signed = await client.call('auth.setup', { name, email, password });
    client.setSession(signed.token);
    await onDone();
  });
  return (
    <main className="auth-screen">
      <h1>Set up Town Crier</h1>
      <p>
        You are the first person here, so you become the admin. You can add your colleagues, with their roles, once you
        are in. Nothing is published without a second person’s approval.
      </p>
      <form onSubmit={(e) => void submit(e)} aria-label="Set up Town Crier" noValidate>
        <TextField label="Your name" value={name} onChange={setName} autoComplete="name" inputRef={first} />
        <TextField label="Work email" type="email" value={email} onChange={setEmail} autoComplete="email" />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          hint="At least 12 characters. A few unrelated words are strong and easy to remember."
        />
        <TextField
          label="Password again"
          type="password"
          value={again}
          onChange={setAgain}
          autoComplete="new-password"
        />
        <ErrorText error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          Create the admin and sign in
        </button>
      </form>
    </main>
  );
}

function SignInForm({ onDone }: { onDone: () => Promise<void> }) {
  const client = useClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const first = useFocusFirst();
  const { error, busy, submit } = useSubmit(async () => {
    const signed = await client.call('auth.signIn', { email, password });
    client.setSession(signed.token);
    await onDone();
  });
  return (
    <main className="auth-screen">
      <h1>Sign in to Town Crier</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in" noValidate>
        <TextField
          label="Work email"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
          inputRef={first}
        />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
        />
        <ErrorText error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p className="hint">Forgotten your password? Ask an admin to reset it.</p>
    </main>
  );
}

function UnlockForm({
  name,
  onDone,
  onSignOut,
}: {
  name: string;
  onDone: () => Promise<void>;
  onSignOut: () => Promise<void>;
}) {
  const client = useClient();
  const [password, setPassword] = useState('');
  const first = useFocusFirst();
  const { error, busy, submit } = useSubmit(async () => {
    await client.call('auth.unlock', { password });
    await onDone();
  });
  return (
    <main className="auth-screen">
      <h1>Town Crier is locked</h1>
      <p>It locked after a time without activity. {name}, enter your password to carry on where you were.</p>
      <form onSubmit={(e) => void submit(e)} aria-label="Unlock" noValidate>
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          inputRef={first}
        />
        <ErrorText error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          Unlock
        </button>{' '}
        <button type="button" className="button" onClick={() => void onSignOut()}>
          Sign out instead
        </button>
      </form>
    </main>
  );
}
