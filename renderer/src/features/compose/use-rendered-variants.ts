import { useDeferredValue, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Finding } from '../../../../shared/content/checks.ts';
import { mediaIdsOf } from '../../../../shared/content/images.ts';
import { articleUrl, checkRendered } from '../../../../shared/channels/check-rendered.ts';
import { strictestLimits } from '../../../../shared/channels/limits.ts';
import { renderVariants, type RenderedVariant } from '../../../../shared/channels/variants.ts';
import type { Draft } from '../updates/use-autosave.ts';
import { useClient } from '../../client-context.tsx';
import { useMediaResolver } from '../media/use-media.ts';

/** Where the website article will be, for the links social posts and emails carry. */
export function previewWebsiteUrl(newsUrl: string | null, title: string): string {
  return articleUrl(newsUrl, title);
}

/**
 * Every chosen channel rendered from the draft by the same functions the
 * senders use, plus the content checks (the same `checkRendered` the core's
 * pre-send check runs, so images without alt text block here and there).
 * Images show as data: URLs: the email preview is an opaque-origin frame.
 * Counters use the connected channels' own limits where a "Test connection"
 * learnt them (a Mastodon instance's), as the core's pre-send check does.
 * Deferred, so typing stays smooth while previews catch up.
 */
export function useRenderedVariants(draft: Draft): {
  rendered: RenderedVariant[];
  findings: Finding[];
  websiteUrl: string;
} {
  const client = useClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => client.call('settings.get', {}) });
  const targets = useQuery({ queryKey: ['channels', 'list'], queryFn: () => client.call('channels.list', {}) });
  const mastodonLimit = strictestLimits((targets.data ?? []).map((t) => t.knownLimits ?? {})).mastodonLimit;
  const deferred = useDeferredValue(draft);
  const mediaIds = useMemo(() => mediaIdsOf(deferred.body), [deferred.body]);
  const imageSrc = useMediaResolver(mediaIds);
  const organisationName = settings.data?.organisationName ?? 'Your council';
  const newsUrl = settings.data?.websiteNewsUrl ?? null;
  return useMemo(() => {
    const websiteUrl = previewWebsiteUrl(newsUrl, deferred.variants.website?.title ?? deferred.title);
    const rendered = renderVariants(deferred.channels, deferred, deferred.variants, {
      organisationName,
      websiteUrl,
      unsubscribeUrl: '{{unsubscribe_url}}',
      imageSrc,
      ...(mastodonLimit === undefined ? {} : { mastodonLimit }),
    });
    const limits = mastodonLimit === undefined ? {} : { mastodonLimit };
    return { rendered, findings: checkRendered(deferred, rendered, limits), websiteUrl };
  }, [deferred, organisationName, newsUrl, imageSrc, mastodonLimit]);
}
