import { useState } from 'react';
import { Tabs } from 'radix-ui';
import { channelDisplayName } from '../../../../shared/channels/kinds.ts';
import type { RenderedVariant } from '../../../../shared/channels/variants.ts';
import type { Variants } from '../../../../shared/domain/variants.ts';
import { EmailPreview } from './email-preview.tsx';
import { SocialPreview } from './social-preview.tsx';
import { WebsitePreview } from './website-preview.tsx';

/** The short state of a channel for its tab: "X 2 posts", "Bluesky: over limit". */
function tabLabel(v: RenderedVariant): string {
  const name = channelDisplayName(v.kind);
  if (v.kind === 'website' || v.kind === 'email') return name;
  if (v.problem) return `${name}: over limit`;
  return v.posts.length > 1 ? `${name} ${v.posts.length} posts` : name;
}

/** One tab per chosen channel, each showing exactly what that channel will receive. */
export function ChannelPreviews({
  rendered,
  variants,
  websiteUrl,
  onVariantsChange,
}: {
  rendered: RenderedVariant[];
  variants: Variants;
  websiteUrl: string;
  /** Absent: read-only previews (the review page). */
  onVariantsChange?: (next: Variants) => void;
}) {
  const [tab, setTab] = useState<string | undefined>(undefined);
  if (rendered.length === 0) return <p>Choose at least one channel to see its preview.</p>;
  // A tab whose channel was just unticked falls back to the first channel.
  const active = rendered.some((v) => v.kind === tab) ? tab : rendered[0]?.kind;
  const setter =
    onVariantsChange &&
    (<K extends keyof Variants>(kind: K) =>
      (value: Variants[K]) => {
        const next = { ...variants };
        if (value === undefined) delete next[kind];
        else next[kind] = value;
        onVariantsChange(next);
      });
  return (
    <Tabs.Root value={active} onValueChange={setTab} className="preview-tabs">
      <Tabs.List aria-label="Preview" className="tab-list">
        {rendered.map((v) => (
          <Tabs.Trigger key={v.kind} value={v.kind} className="tab">
            {tabLabel(v)}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      {rendered.map((v) => (
        <Tabs.Content key={v.kind} value={v.kind} className="tab-panel">
          {v.kind === 'website' && (
            <WebsitePreview
              variant={v}
              websiteUrl={websiteUrl}
              override={variants.website}
              onChange={setter?.('website')}
            />
          )}
          {v.kind === 'email' && <EmailPreview variant={v} override={variants.email} onChange={setter?.('email')} />}
          {(v.kind === 'x' || v.kind === 'bluesky' || v.kind === 'mastodon') && (
            <SocialPreview variant={v} override={variants[v.kind]} onChange={setter?.(v.kind)} />
          )}
        </Tabs.Content>
      ))}
    </Tabs.Root>
  );
}
