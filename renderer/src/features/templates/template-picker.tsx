import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from '../../client-context.tsx';
import { navigate } from '../../router.ts';

/** Start an update from a template: the shipped examples and the team's own. */
export function TemplatePicker() {
  const client = useClient();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const templates = useQuery({ queryKey: ['templates'], queryFn: () => client.call('templates.list', {}) });
  const use = useMutation({
    mutationFn: (templateId: string) => client.call('templates.use', { templateId }),
    onSuccess: (update) => {
      queryClient.setQueryData(['updates', 'get', update.id], update);
      void queryClient.invalidateQueries({ queryKey: ['updates', 'list'] });
      navigate({ page: 'update', id: update.id });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => client.call('templates.delete', { id }),
    onSuccess: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: ['templates'] });
    },
  });

  return (
    <section className="templates" aria-labelledby="templates-heading">
      <h2 id="templates-heading">Start from a template</h2>
      {templates.isError && <p role="alert">Could not load templates: {templates.error.message}</p>}
      {(use.isError || remove.isError) && (
        <p role="alert" className="error-text">
          {(use.error ?? remove.error)?.message}
        </p>
      )}
      <ul className="template-list">
        {templates.data?.map((t) => (
          <li key={t.id} className="template-card">
            <p className="template-name">{t.name}</p>
            <p className="template-title">{t.title}</p>
            <div className="template-actions">
              <button type="button" className="button" onClick={() => use.mutate(t.id)} disabled={use.isPending}>
                Use<span className="visually-hidden"> the {t.name} template</span>
              </button>
              {!t.builtIn &&
                (confirming === t.id ? (
                  <button type="button" className="button danger" onClick={() => remove.mutate(t.id)}>
                    Confirm delete<span className="visually-hidden"> of {t.name}</span>
                  </button>
                ) : (
                  <button type="button" className="button" onClick={() => setConfirming(t.id)}>
                    Delete<span className="visually-hidden"> the {t.name} template</span>
                  </button>
                ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
