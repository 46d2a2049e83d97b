import { articleUrl, checkRendered } from '../../../shared/channels/check-rendered.ts';
import { renderVariants } from '../../../shared/channels/variants.ts';
import type { Finding } from '../../../shared/content/checks.ts';
import type { Settings } from '../../../shared/domain/settings.ts';
import type { Update } from '../../../shared/domain/update.ts';

export type SendCheck = { findings: Finding[]; blocking: number };

/**
 * The content checks an update must pass before it is sent: its chosen
 * channels rendered exactly as the compose previews render them, then every
 * check. Pure (no I/O), so the publish gate and `updates.check` share it; a
 * `blocking` count above zero means the update must not go out.
 */
export function checkUpdateForSending(
  update: Pick<Update, 'title' | 'summary' | 'body' | 'channels' | 'variants'>,
  settings: Pick<Settings, 'organisationName' | 'websiteNewsUrl'>,
): SendCheck {
  const rendered = renderVariants(update.channels, update, update.variants, {
    organisationName: settings.organisationName,
    websiteUrl: articleUrl(settings.websiteNewsUrl, update.variants.website?.title ?? update.title),
    unsubscribeUrl: '{{unsubscribe_url}}',
  });
  const findings = checkRendered(update, rendered);
  return { findings, blocking: findings.filter((f) => f.severity === 'blocking').length };
}
