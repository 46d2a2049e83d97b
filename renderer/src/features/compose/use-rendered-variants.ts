import { useDeferredValue, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { checkContent, type CheckVariant, type Finding } from '../../../../shared/content/checks.ts';
import { renderVariants, type RenderedVariant } from '../../../../shared/channels/variants.ts';
import { slugify } from '../../../../shared/channels/render/website.ts';
import type { Draft } from '../updates/use-autosave.ts';
import { useClient } from '../../client-context.tsx';

const EXAMPLE_NEWS_URL = 'https://www.example.gov.uk/news';

/** Where the website article will be, for the links social posts and emails carry. */
export function previewWebsiteUrl(newsUrl: string | null, title: string): string {
  return `${(newsUrl ?? EXAMPLE_NEWS_URL).replace(/\/+$/, '')}/${slugify(title)}`;
}

/**
 * Every chosen channel rendered from the draft by the same functions the
 * senders use, plus the content checks. Deferred, so typing stays smooth
 * while previews catch up.
 */
export function useRenderedVariants(draft: Draft): {
  rendered: RenderedVariant[];
  findings: Finding[];
  websiteUrl: string;
} {
  const client = useClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => client.call('settings.get', {}) });
  const deferred = useDeferredValue(draft);
  const organisationName = settings.data?.organisationName ?? 'Your council';
  const newsUrl = settings.data?.websiteNewsUrl ?? null;
  return useMemo(() => {
    const websiteUrl = previewWebsiteUrl(newsUrl, deferred.variants.website?.title ?? deferred.title);
    const rendered = renderVariants(deferred.channels, deferred, deferred.variants, {
      organisationName,
      websiteUrl,
      unsubscribeUrl: '{{unsubscribe_url}}',
    });
    const forChecks: CheckVariant[] = rendered.map((v) => {
      if (v.kind === 'website') return { kind: 'website', title: v.article.title };
      if (v.kind === 'email') return { kind: 'email', subject: v.email.subject };
      return { kind: v.kind, posts: v.posts };
    });
    return { rendered, findings: checkContent(deferred, forChecks), websiteUrl };
  }, [deferred, organisationName, newsUrl]);
}
