import { articleUrl, checkRendered } from '../../../shared/channels/check-rendered.ts';
import type { MeasureOptions } from '../../../shared/channels/limits.ts';
import { renderVariants } from '../../../shared/channels/variants.ts';
import type { Finding } from '../../../shared/content/checks.ts';
import type { Settings } from '../../../shared/domain/settings.ts';
import type { Update } from '../../../shared/domain/update.ts';
import { canonicalJson, sha256Hex } from './content-hash.ts';

type Renderable = Pick<Update, 'title' | 'summary' | 'body' | 'channels' | 'variants'>;

/**
 * Every chosen channel rendered exactly as the compose previews and the review page show it. `limits` are what
 * the connected channels told us of theirs (a Mastodon instance's own limit); the approval hash leaves them out,
 * so testing a channel never voids an approval.
 */
export function renderForReview(
  update: Renderable,
  settings: Pick<Settings, 'organisationName' | 'websiteNewsUrl'>,
  limits: MeasureOptions = {},
) {
  return renderVariants(update.channels, update, update.variants, {
    organisationName: settings.organisationName,
    websiteUrl: articleUrl(settings.websiteNewsUrl, update.variants.website?.title ?? update.title),
    unsubscribeUrl: '{{unsubscribe_url}}',
    ...(limits.mastodonLimit === undefined ? {} : { mastodonLimit: limits.mastodonLimit }),
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
 * `blocking` count above zero means the update must not go out. `limits`
 * are the channels' own (the strictest known Mastodon instance limit); without
 * them the defaults apply (500 for Mastodon).
 */
export function checkUpdateForSending(
  update: Pick<Update, 'title' | 'summary' | 'body' | 'channels' | 'variants'>,
  settings: Pick<Settings, 'organisationName' | 'websiteNewsUrl'>,
  limits: MeasureOptions = {},
): SendCheck {
  const rendered = renderForReview(update, settings, limits);
  const findings = checkRendered(update, rendered, limits);
  return { findings, blocking: findings.filter((f) => f.severity === 'blocking').length };
}
