import { useId, useState } from 'react';
import { channelDisplayName } from '../../../../shared/channels/kinds.ts';
import { measure } from '../../../../shared/channels/limits.ts';
import type { RenderedSocialVariant } from '../../../../shared/channels/variants.ts';
import type { SocialVariant } from '../../../../shared/domain/variants.ts';
import { Counter } from './counter.tsx';

/**
 * A card for each post exactly as it will go out, with its counter; the
 * variant's state (inherited or edited); editing, reset, and the thread offer.
 */
export function SocialPreview({
  variant,
  override,
  onChange,
}: {
  variant: RenderedSocialVariant;
  override: SocialVariant | undefined;
  /** Absent: read-only (the review page). */
  onChange?: ((next: SocialVariant | undefined) => void) | undefined;
}) {
  const name = channelDisplayName(variant.kind);
  const [editing, setEditing] = useState(false);
  const ids = { text: useId(), counter: useId(), problem: useId() };
  const total = variant.posts.length;
  return (
    <div className="social-preview">
      <p className="variant-state">
        {variant.edited ? (
          <>
            <span aria-hidden="true">✎ </span>Edited for {name}
          </>
        ) : (
          'Inherited from the master text'
        )}
      </p>
      {onChange && (
        <div className="variant-actions">
          <button type="button" className="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {editing ? 'Close editor' : `Edit ${name} text`}
          </button>
          {variant.edited && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(false);
                onChange(override?.thread ? { thread: true } : undefined);
              }}
            >
              Reset to master
            </button>
          )}
        </div>
      )}
      {onChange && editing && (
        <div className="field">
          <label htmlFor={ids.text}>{name} text</label>
          <textarea
            id={ids.text}
            rows={6}
            value={override?.text ?? variant.text}
            aria-describedby={ids.counter}
            onChange={(e) => onChange({ ...override, text: e.target.value })}
          />
          <Counter id={ids.counter} measure={variant.measure} />
        </div>
      )}
      {variant.problem && (
        <div className="error-box" id={ids.problem}>
          <p>{variant.problem}</p>
          {onChange && variant.canSplit && (
            <button type="button" className="button" onClick={() => onChange({ ...override, thread: true })}>
              Split into a numbered thread
            </button>
          )}
        </div>
      )}
      {variant.threaded && (
        <p className="thread-note">
          Goes out as a thread of {total} posts.{' '}
          {onChange && (
            <button type="button" className="link-button" onClick={() => onChange({ ...override, thread: false })}>
              Send as one post instead
            </button>
          )}
        </p>
      )}
      <ol className="post-list" aria-label={`${name} posts`}>
        {variant.posts.map((post, i) => (
          <li key={i} className="post-card">
            <p className="post-head">
              <span>
                {name} — post {i + 1} of {total}
              </span>
              {/* Each post against the limit the whole text was measured with (a Mastodon instance's own). */}
              <Counter measure={measure(variant.kind, post, { mastodonLimit: variant.measure.limit })} />
            </p>
            <p className="post-text">{post}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
