import { z } from 'zod';

/**
 * The kinds of channel an update can go to. A channel *kind* is what the text
 * is shaped for (its limits and rendering); several connected accounts can
 * share one kind.
 */
export const ChannelKind = z.enum(['website', 'email', 'x', 'bluesky', 'mastodon']);
export type ChannelKind = z.infer<typeof ChannelKind>;

/** The kinds that publish short posts and can be split into a thread. */
export const SocialKind = z.enum(['x', 'bluesky', 'mastodon']);
export type SocialKind = z.infer<typeof SocialKind>;

export const CHANNEL_KINDS: readonly ChannelKind[] = ChannelKind.options;

const DISPLAY_NAMES: Record<ChannelKind, string> = {
  website: 'Website',
  email: 'Email',
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
};

/** The name people see for a channel kind, in counters, previews and checks. */
export function channelDisplayName(kind: ChannelKind): string {
  return DISPLAY_NAMES[kind];
}

/** True for the kinds whose variants are posts (and so can become threads). */
export function isSocialKind(kind: ChannelKind): kind is SocialKind {
  return SocialKind.safeParse(kind).success;
}
