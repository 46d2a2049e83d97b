import { articleUrl, checkRendered } from '../../../shared/channels/check-rendered.ts';
import { renderVariants } from '../../../shared/channels/variants.ts';
import type { Finding } from '../../../shared/content/checks.ts';
import type { Settings } from '../../../shared/domain/settings.ts';
import type { Update } from '../../../shared/domain/update.ts';
import { canonicalJson, sha256Hex } from './content-hash.ts';

type Renderable = Pick<Update, 'title' | 'summary' | 'body' | 'channels' | 'variants'>;

/** Every chosen channel rendered exactly as the compose previews and the review page show it. */
export function renderForReview(update: Renderable, settings: Pick<Settings, 'organisationName' | 'websiteNewsUrl'>) {
  return renderVariants(update.channels, update, update.variants, {
    organisationName: settings.organisationName,
    websiteUrl: articleUrl(settings.websiteNewsUrl, update.variants.website?.title ?? update.title),
    unsubscribeUrl: '{{unsubscribe_url}}',
  });
}

/**
 * The hash an approval binds to besides the content hash: the rendered output of every chosen channel.
 * A change in what a channel would receive (a renderer, the organisation name) needs a new approval.
 */
export function renderHashOf(update: Renderable, settings: Pick<Settings, 'organisationName' | 'websiteNewsUrl'>) {
  return sha256Hex(canonicalJson(renderForReview(update, settings)));
}

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
  const rendered = renderForReview(update, settings);
  const findings = checkRendered(update, rendered);
  return { findings, blocking: findings.filter((f) => f.severity === 'blocking').length };
}
