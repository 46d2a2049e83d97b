import { useId } from 'react';
import { Tabs } from 'radix-ui';
import type { RenderedVariant } from '../../../../shared/channels/variants.ts';
import type { EmailVariant } from '../../../../shared/domain/variants.ts';
import { Counter } from './counter.tsx';

type RenderedEmailVariant = Extract<RenderedVariant, { kind: 'email' }>;

/** Subject and preheader (editable), then the email as HTML in a sandboxed frame, or as plain text. */
export function EmailPreview({
  variant,
  override,
  onChange,
}: {
  variant: RenderedEmailVariant;
  override: EmailVariant | undefined;
  /** Absent: read-only (the review page). */
  onChange?: ((next: EmailVariant | undefined) => void) | undefined;
}) {
  const ids = { subject: useId(), preheader: useId(), counter: useId(), hint: useId() };
  return (
    <div className="email-preview">
      <p className="variant-state">
        {variant.edited ? '✎ Subject or preheader edited for email' : 'Inherited from the master text'}
      </p>
      {!onChange && (
        <dl className="email-headers">
          <dt>Subject line</dt>
          <dd>
            {variant.email.subject} <Counter measure={variant.subjectMeasure} />
          </dd>
          <dt>Preheader</dt>
          <dd>{variant.email.preheader || '(none)'}</dd>
        </dl>
      )}
      {onChange && (
        <>
          <div className="field">
            <label htmlFor={ids.subject}>Subject line</label>
            <input
              id={ids.subject}
              value={override?.subject ?? variant.email.subject}
              aria-describedby={ids.counter}
              onChange={(e) => onChange({ ...override, subject: e.target.value })}
            />
            <span>
              <Counter id={ids.counter} measure={variant.subjectMeasure} />
              {variant.subjectMeasure.warning && <span className="hint"> {variant.subjectMeasure.warning}</span>}
            </span>
          </div>
          <div className="field">
            <label htmlFor={ids.preheader}>Preheader</label>
            <p id={ids.hint} className="hint">
              The line inboxes show after the subject.
            </p>
            <input
              id={ids.preheader}
              value={override?.preheader ?? variant.email.preheader}
              aria-describedby={ids.hint}
              onChange={(e) => onChange({ ...override, preheader: e.target.value })}
            />
          </div>
          {variant.edited && (
            <button type="button" className="button" onClick={() => onChange(undefined)}>
              Reset to master
            </button>
          )}
        </>
      )}
      <Tabs.Root defaultValue="html" className="inner-tabs">
        <Tabs.List aria-label="Email format" className="tab-list">
          <Tabs.Trigger value="html" className="tab">
            HTML
          </Tabs.Trigger>
          <Tabs.Trigger value="text" className="tab">
            Plain text
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="html">
          {/* No scripts, no same-origin: the email can only be looked at. */}
          <iframe className="email-frame" title="Email preview" sandbox="" srcDoc={variant.email.html} />
        </Tabs.Content>
        <Tabs.Content value="text">
          {/* Focusable, so a keyboard can scroll a long plain-text part (WCAG 2.1.1). */}
          <pre className="email-text" role="region" aria-label="Plain-text email" tabIndex={0}>
            {variant.email.text}
          </pre>
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}
