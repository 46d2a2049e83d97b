import { useId, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Update } from '../../../../shared/domain/update.ts';
import { useClient } from '../../client-context.tsx';
import { hrefFor } from '../../router.ts';
import { BodyEditor } from './body-editor.tsx';
import { SaveStatusText } from './save-status.tsx';
import { useAutosave, type Draft } from './use-autosave.ts';
import { ChannelPicker } from '../compose/channel-picker.tsx';
import { ChannelPreviews } from '../compose/channel-previews.tsx';
import { ChecksPanel } from '../compose/checks-panel.tsx';
import { useRenderedVariants } from '../compose/use-rendered-variants.ts';
import { VersionHistory } from './version-history.tsx';
import { SaveAsTemplate } from '../templates/save-as-template.tsx';
import { PublishPanel } from '../publish/publish-panel.tsx';
import { ReviewPanel } from '../review/review-panel.tsx';

/** Loads one update and opens it for editing. */
export function UpdateEditorPage({ id }: { id: string }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const query = useQuery({
    queryKey: ['updates', 'get', id],
    queryFn: () => client.call('updates.get', { id }),
    staleTime: Infinity,
  });

  if (query.isPending) return <p aria-live="polite">Opening the update…</p>;
  if (query.isError) {
    return (
      <div role="alert" className="error-box">
        <h1>Could not open this update</h1>
        <p>{query.error.message}</p>
        <a href={hrefFor({ page: 'updates' })}>Back to updates</a>
      </div>
    );
  }
  const reload = () => {
    void queryClient
      .fetchQuery({ queryKey: ['updates', 'get', id], queryFn: () => client.call('updates.get', { id }) })
      .then(() => setGeneration((g) => g + 1));
  };
  const replace = (next: Update, message: string) => {
    queryClient.setQueryData(['updates', 'get', id], next);
    setNotice(message);
    setGeneration((g) => g + 1);
  };
  return (
    <>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <UpdateEditor key={`${id}:${generation}`} update={query.data} onReload={reload} onReplace={replace} />
    </>
  );
}

function UpdateEditor({
  update,
  onReload,
  onReplace,
}: {
  update: Update;
  onReload: () => void;
  onReplace: (next: Update, message: string) => void;
}) {
  const client = useClient();
  const { status, change, saveNow, stop, revision } = useAutosave(update);
  const restore = async (from: number) => {
    // Save what was typed first, so the restore is based on it and it stays in the history.
    await saveNow();
    const restored = await client.call('updates.restore', { id: update.id, revision: from, baseRevision: revision() });
    stop();
    onReplace(restored, `Restored version ${from} as version ${restored.revision}.`);
  };
  const [draft, setDraft] = useState<Draft>({
    title: update.title,
    summary: update.summary,
    body: update.body,
    channels: update.channels,
    variants: update.variants,
  });
  const edit = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    change(patch);
  };
  const { rendered, findings, websiteUrl } = useRenderedVariants(draft);
  const ids = { title: useId(), summary: useId(), summaryHint: useId(), body: useId() };
  const fieldError = status.kind === 'error' ? status.field : undefined;

  return (
    <section
      aria-labelledby="editor-heading"
      className="compose"
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
          e.preventDefault();
          void saveNow();
        }
      }}
    >
      <header className="page-header">
        <h1 id="editor-heading">{draft.title.trim() || 'Untitled update'}</h1>
        <SaveStatusText status={status} onReload={onReload} />
      </header>
      <ChannelPicker value={draft.channels} onChange={(channels) => edit({ channels })} />
      <div className="compose-columns">
        <div className="compose-master">
          <div className="field">
            <label htmlFor={ids.title}>Title</label>
            <input
              id={ids.title}
              className="title-input"
              value={draft.title}
              maxLength={200}
              aria-invalid={fieldError === 'title' || undefined}
              onChange={(e) => edit({ title: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.summary}>Summary</label>
            <p id={ids.summaryHint} className="hint">
              One or two sentences: what is happening, where and when.
            </p>
            <textarea
              id={ids.summary}
              rows={2}
              value={draft.summary}
              maxLength={600}
              aria-describedby={ids.summaryHint}
              aria-invalid={fieldError === 'summary' || undefined}
              onChange={(e) => edit({ summary: e.target.value })}
            />
          </div>
          <div className="field">
            <span className="label" id={ids.body}>
              Body
            </span>
            <BodyEditor labelledBy={ids.body} initial={update.body} onChange={(body) => edit({ body })} />
          </div>
        </div>
        <section className="compose-previews" aria-labelledby="previews-heading">
          <h2 id="previews-heading">Preview</h2>
          <ChannelPreviews
            rendered={rendered}
            variants={draft.variants}
            websiteUrl={websiteUrl}
            onVariantsChange={(variants) => edit({ variants })}
          />
        </section>
      </div>
      <ChecksPanel findings={findings} />
      <ReviewPanel updateId={update.id} revision={revision} beforeSubmit={saveNow} />
      <PublishPanel updateId={update.id} title={draft.title} beforePublish={saveNow} />
      <SaveAsTemplate updateId={update.id} beforeSave={saveNow} />
      <VersionHistory id={update.id} currentRevision={revision()} onRestore={restore} />
    </section>
  );
}
