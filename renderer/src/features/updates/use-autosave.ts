import { useCallback, useEffect, useRef, useState } from 'react';
import { onBeforeLock } from '../auth/session-context.tsx';
import { useQueryClient } from '@tanstack/react-query';
import type { Doc } from '../../../../shared/content/doc.ts';
import type { Update } from '../../../../shared/domain/update.ts';
import type { Channels, Variants } from '../../../../shared/domain/variants.ts';
import { CrierError } from '../../api.ts';
import { useClient } from '../../client-context.tsx';

export type Draft = { title: string; summary: string; body: Doc; channels: Channels; variants: Variants };
export type SaveStatus =
  | { kind: 'saved'; at: string }
  | { kind: 'unsaved' }
  | { kind: 'saving' }
  | { kind: 'conflict'; message: string }
  | { kind: 'error'; message: string; field?: string | undefined };

const AUTOSAVE_DELAY_MS = 700;
const RETRY_DELAY_MS = 5_000;

/**
 * Saves a draft shortly after each change, one save at a time, each based on
 * the revision the last save returned. A conflict stops autosave rather than
 * overwrite someone else's work; a failed save is retried and nothing typed is dropped.
 */
export function useAutosave(update: Update) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<SaveStatus>({ kind: 'saved', at: update.updatedAt });
  const draft = useRef<Draft>({
    title: update.title,
    summary: update.summary,
    body: update.body,
    channels: update.channels,
    variants: update.variants,
  });
  const saved = useRef(JSON.stringify(draft.current));
  const revision = useRef(update.revision);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saving = useRef<Promise<void> | null>(null);
  const stopped = useRef(false);

  const saveNow = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    if (saving.current) {
      await saving.current;
      return saveNow();
    }
    const snapshot = draft.current;
    const text = JSON.stringify(snapshot);
    if (text === saved.current || stopped.current) return;
    setStatus({ kind: 'saving' });
    const run = (async () => {
      try {
        const result = await client.call('updates.save', {
          id: update.id,
          baseRevision: revision.current,
          ...snapshot,
        });
        revision.current = result.revision;
        saved.current = text;
        queryClient.setQueryData(['updates', 'get', update.id], result);
        setStatus(
          JSON.stringify(draft.current) === text ? { kind: 'saved', at: result.updatedAt } : { kind: 'unsaved' },
        );
      } catch (error) {
        if (error instanceof CrierError && error.code === 'conflict') {
          stopped.current = true;
          setStatus({ kind: 'conflict', message: error.message });
        } else if (error instanceof CrierError && error.code === 'invalid_input') {
          setStatus({ kind: 'error', message: error.message, field: error.field });
        } else {
          setStatus({ kind: 'error', message: `${error instanceof Error ? error.message : String(error)} Retrying…` });
          timer.current = setTimeout(() => void saveNow(), RETRY_DELAY_MS);
        }
      }
    })();
    saving.current = run;
    await run;
    saving.current = null;
    if (JSON.stringify(draft.current) !== saved.current && !stopped.current) schedule();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- schedule is stable (declared below, refs only)
  }, [client, queryClient, update.id]);

  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveNow(), AUTOSAVE_DELAY_MS);
  }, [saveNow]);

  const change = useCallback(
    (patch: Partial<Draft>) => {
      draft.current = { ...draft.current, ...patch };
      if (stopped.current) return;
      setStatus({ kind: 'unsaved' });
      schedule();
    },
    [schedule],
  );

  // Leaving the page saves what is pending instead of dropping it. In a browser
  // tab the user is also asked to stay while a save is outstanding.
  useEffect(() => {
    const onUnload = (event: BeforeUnloadEvent) => {
      if (JSON.stringify(draft.current) === saved.current || stopped.current) return;
      void saveNow();
      if (!('crier' in window)) event.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    const unregister = onBeforeLock(saveNow);
    return () => {
      unregister();
      window.removeEventListener('beforeunload', onUnload);
      clearTimeout(timer.current);
      void saveNow();
    };
  }, [saveNow]);

  /** Stops autosaving (before this editor is replaced, e.g. by a restore). */
  const stop = useCallback(() => {
    stopped.current = true;
    clearTimeout(timer.current);
  }, []);

  return { status, change, saveNow, stop, revision: () => revision.current };
}
