import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Publication } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';
import { formatLondon } from '../../format-time.ts';
import { hrefFor } from '../../router.ts';
import { londonParts, londonToUtc } from './london-time.ts';
import { publishedTargets } from './corrections.ts';
import { useSession } from '../auth/session-context.tsx';
import { useReview } from '../review/use-review.ts';

type Plan = {
  targetIds: string[];
  names: string[];
  scheduledAt?: string;
  urgentReason?: string;
  /** A correction of what these channels already published. */
  correction?: boolean;
};

/**
 * "Publish…": choose connected channels, now or at a UK time, confirm, and
 * queue the saved version. Only an approved version goes (or, scheduled, one
 * waiting for approval: it goes only if approved by then); someone with the
 * urgent permission can publish without approval, giving a reason. The core
 * enforces all of it and its refusals are shown here without losing the choices.
 */
export function PublishPanel({
  updateId,
  title,
  beforePublish,
}: {
  updateId: string;
  title: string;
  beforePublish: () => Promise<unknown>;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const approval = useReview(updateId);
  const state = approval.data?.state;
  const [urgent, setUrgent] = useState(false);
  const [reason, setReason] = useState('');
  const targets = useQuery({ queryKey: ['channels', 'list'], queryFn: () => client.call('channels.list', {}) });
  const [chosen, setChosen] = useState<string[]>([]);
  const earlier = useQuery({
    // Not under ['queue', 'list']: those keys hold the Queue page's paged lists, which live events patch in place.
    queryKey: ['queue', 'for-update', updateId],
    queryFn: () => client.call('queue.list', { updateId, limit: 200 }),
  });
  const publishedTo = publishedTargets(earlier.data?.items ?? [], targets.data ?? []);
  const revision = approval.data?.revision;
  const changedSince = revision !== undefined && publishedTo.some((t) => t.revision < revision);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const tomorrow = londonParts(new Date(Date.now() + 86_400_000));
  const [date, setDate] = useState(tomorrow.date);
  const [time, setTime] = useState('07:00');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { date: useId(), time: useId(), heading: useId(), reason: useId(), reasonHint: useId() };
  const publish = useMutation({
    mutationFn: async (p: Plan): Promise<Publication> => {
      await beforePublish();
      return client.call('queue.publish', {
        updateId,
        targetIds: p.targetIds,
        ...(p.scheduledAt ? { scheduledAt: p.scheduledAt } : {}),
        ...(p.urgentReason !== undefined ? { urgent: { reason: p.urgentReason } } : {}),
      });
    },
    onSuccess: () => {
      setPlan(null);
      void queryClient.invalidateQueries({ queryKey: ['queue', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['queue', 'for-update', updateId] });
    },
  });

  const review = (ids: readonly string[] = chosen, correction = false) => {
    setProblem(null);
    publish.reset();
    const list = targets.data ?? [];
    const picked = list.filter((t) => ids.includes(t.id));
    if (picked.length === 0) return setProblem('Choose at least one channel to publish to.');
    let scheduledAt: string | undefined;
    if (when === 'later') {
      const utc = londonToUtc(date, time);
      if ('error' in utc) return setProblem(utc.error);
      if (new Date(utc.iso).getTime() <= Date.now()) return setProblem('Choose a time in the future, or "Send now".');
      scheduledAt = utc.iso;
    }
    const goesUrgently = urgent && state !== 'approved';
    if (goesUrgently && reason.trim().length < 10) {
      return setProblem('Give the reason for publishing without approval (at least 10 characters).');
    }
    if (!goesUrgently && state !== 'approved' && !(state === 'in_review' && scheduledAt)) {
      return setProblem(
        state === 'in_review'
          ? 'This update is waiting for approval. Schedule it for later (it goes only if approved by then), or wait for the approval.'
          : 'This version has not been approved. Submit it for approval first.',
      );
    }
    setPlan({
      targetIds: picked.map((t) => t.id),
      names: picked.map((t) => t.name),
      ...(scheduledAt ? { scheduledAt } : {}),
      ...(goesUrgently ? { urgentReason: reason.trim() } : {}),
      ...(correction ? { correction } : {}),
    });
  };

  /** "Publish correction…": the channels that already have this update, with this version, now or at the chosen time. */
  const reviewCorrection = () => {
    const ids = publishedTo.map((t) => t.id);
    setChosen(ids);
    review(ids, true);
  };

  return (
    <section className="publish" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>Publish…</h2>
      <p className="hint">
        {state === 'approved'
          ? 'This version is approved. The checks above still apply when it is sent.'
          : state === 'in_review'
            ? 'Waiting for approval: you can schedule it now, and it goes at that time only if it has been approved.'
            : 'Only an approved version can be published. Submit it for approval above.'}
      </p>
      {targets.isError && <p role="alert">Could not load the channels: {targets.error.message}</p>}
      {targets.data && targets.data.length === 0 && (
        <p>
          No channels are connected yet. <a href={hrefFor({ page: 'channels' })}>Connect a channel</a> first.
        </p>
      )}
      {publishedTo.length > 0 && (
        <div className="publish-correction">
          <p>
            Already published to {publishedTo.map((t) => `${t.name} (version ${t.revision})`).join(', ')}.{' '}
            {changedSince
              ? 'Publish this version there as a correction: a website page or WordPress post is changed in place and keeps its address; other channels send it again as a new post or email.'
              : 'This version is the one published there.'}
          </p>
          {changedSince && !plan && (
            <button type="button" className="button primary" onClick={reviewCorrection}>
              Publish correction…
            </button>
          )}
        </div>
      )}
      {targets.data && targets.data.length > 0 && (
        <>
          <fieldset className="publish-targets">
            <legend>Send to</legend>
            {targets.data.map((t) => (
              <label key={t.id} className="channel-option">
                <input
                  type="checkbox"
                  checked={chosen.includes(t.id)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, t.id] : c.filter((x) => x !== t.id)))}
                />
                {t.name}
              </label>
            ))}
          </fieldset>
          <fieldset className="publish-when">
            <legend>When</legend>
            <label className="channel-option">
              <input type="radio" name="publish-when" checked={when === 'now'} onChange={() => setWhen('now')} />
              Send now
            </label>
            <label className="channel-option">
              <input type="radio" name="publish-when" checked={when === 'later'} onChange={() => setWhen('later')} />
              Schedule
            </label>
            {when === 'later' && (
              <div className="publish-time">
                <div className="field">
                  <label htmlFor={ids.date}>Date (UK)</label>
                  <input id={ids.date} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
                </div>
                <div className="field">
                  <label htmlFor={ids.time}>Time (UK)</label>
                  <input id={ids.time} type="time" value={time} onChange={(e) => setTime(e.target.value)} />
                </div>
              </div>
            )}
          </fieldset>
          {user.urgent && state !== 'approved' && (
            <fieldset className="publish-urgent">
              <legend>Emergency</legend>
              <label className="channel-option">
                <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />
                Urgent: publish without approval
              </label>
              {urgent && (
                <div className="field">
                  <label htmlFor={ids.reason}>Reason (required)</label>
                  <p id={ids.reasonHint} className="hint">
                    For example “Met Office red warning for snow”. It goes in the audit log, and an approver reviews the
                    publication afterwards.
                  </p>
                  <textarea
                    id={ids.reason}
                    rows={2}
                    value={reason}
                    maxLength={1000}
                    aria-describedby={ids.reasonHint}
                    onChange={(e) => setReason(e.target.value)}
                  />
                </div>
              )}
            </fieldset>
          )}
          {!plan && (
            <button type="button" className="button primary" onClick={() => review()}>
              Publish…
            </button>
          )}
        </>
      )}
      {problem && (
        <p role="alert" className="error-text">
          {problem}
        </p>
      )}
      {plan && (
        <div className="confirm" role="group" aria-label="Confirm publishing">
          <p>
            <strong>“{title.trim() || 'Untitled update'}”</strong> will be {plan.correction ? 'corrected' : 'sent'}{' '}
            {plan.scheduledAt ? `at ${formatLondon(plan.scheduledAt)} (UK time)` : 'now'}{' '}
            {plan.correction ? 'on' : 'to'}:
          </p>
          {plan.urgentReason !== undefined && (
            <p className="urgent-flag">
              <strong>Urgent, without approval.</strong> Reason: {plan.urgentReason}
            </p>
          )}
          <ul>
            {plan.names.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
          <button
            type="button"
            className="button primary"
            disabled={publish.isPending}
            onClick={() => publish.mutate(plan)}
          >
            {plan.scheduledAt ? 'Confirm schedule' : plan.correction ? 'Confirm correction' : 'Confirm and send'}
          </button>{' '}
          <button type="button" className="button" disabled={publish.isPending} onClick={() => setPlan(null)}>
            Back
          </button>
        </div>
      )}
      {publish.isError && (
        <div role="alert" className="error-box">
          <p>{publish.error.message}</p>
        </div>
      )}
      {publish.isSuccess && (
        <p role="status" className="notice">
          {publish.data.scheduledAt ? 'Scheduled.' : 'Queued for sending.'}{' '}
          <a href={hrefFor({ page: 'publication', id: publish.data.id })}>Follow it in the queue</a>
        </p>
      )}
    </section>
  );
}
