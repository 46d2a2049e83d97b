import { useId } from 'react';
import { measure } from '../../../../shared/channels/limits.ts';
import type { RenderedVariant } from '../../../../shared/channels/variants.ts';
import type { WebsiteVariant } from '../../../../shared/domain/variants.ts';
import { Counter } from './counter.tsx';

type RenderedWebsiteVariant = Extract<RenderedVariant, { kind: 'website' }>;

/** The website article as it will be published, and its (editable) title. */
export function WebsitePreview({
  variant,
  websiteUrl,
  override,
  onChange,
}: {
  variant: RenderedWebsiteVariant;
  websiteUrl: string;
  override: WebsiteVariant | undefined;
  /** Absent: read-only (the review page shows exactly what was submitted). */
  onChange?: ((next: WebsiteVariant | undefined) => void) | undefined;
}) {
  const ids = { title: useId(), counter: useId() };
  return (
    <div className="website-preview">
      <p className="variant-state">
        {variant.edited ? '✎ Title edited for the website' : 'Inherited from the master text'}
      </p>
      {onChange ? (
        <div className="field">
          <label htmlFor={ids.title}>Website title</label>
          <input
            id={ids.title}
            value={override?.title ?? variant.article.title}
            aria-describedby={ids.counter}
            onChange={(e) => onChange({ ...override, title: e.target.value })}
          />
          <Counter id={ids.counter} measure={measure('website', variant.article.title)} />
        </div>
      ) : (
        <p>
          <strong>Website title:</strong> {variant.article.title}{' '}
          <Counter measure={measure('website', variant.article.title)} />
        </p>
      )}
      {onChange && variant.edited && (
        <button type="button" className="button" onClick={() => onChange(undefined)}>
          Reset to master
        </button>
      )}
      <p className="hint">
        Address once published: <span className="url">{websiteUrl}</span>
      </p>
      {/* Our own renderer's output: every text is escaped and only known tags are produced. */}
      <div className="article-frame" dangerouslySetInnerHTML={{ __html: variant.article.html }} />
    </div>
  );
}
