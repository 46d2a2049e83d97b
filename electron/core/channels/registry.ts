import { createEmailAdapter } from './email/email-adapter.ts';
import type { ChannelAdapter } from './adapter.ts';
import { createBlueskyAdapter } from './bluesky/bluesky-adapter.ts';
import { createMastodonAdapter } from './mastodon/mastodon-adapter.ts';
import { createStaticSiteAdapter } from './static-site/static-site-adapter.ts';
import { createWordPressAdapter } from './wordpress/wordpress-adapter.ts';
import { createXAdapter } from './x/x-adapter.ts';

/**
 * The adapters that ship with Town Crier. Each channel folder under
 * electron/core/channels/ adds its factory here when it lands; hosts build
 * their registry from this list.
 */
export const BUILT_IN_CHANNEL_ADAPTERS: readonly ChannelAdapter[] = [
  createStaticSiteAdapter(),
  createWordPressAdapter(),
  createXAdapter(),
  createMastodonAdapter(),
  createBlueskyAdapter(),
  createEmailAdapter() as ChannelAdapter,
];

/** The channel kinds this host can publish to. Hosts build one from the adapters they ship. */
export interface ChannelRegistry {
  get(kind: string): ChannelAdapter | undefined;
  kinds(): string[];
  list(): readonly ChannelAdapter[];
}

/**
 * A registry over a fixed list of adapters. Two adapters claiming one kind is
 * a wiring mistake, so it fails at start-up rather than picking one silently.
 */
export function createChannelRegistry(adapters: readonly ChannelAdapter[]): ChannelRegistry {
  const byKind = new Map<string, ChannelAdapter>();
  for (const adapter of adapters) {
    if (byKind.has(adapter.kind)) throw new Error(`Two channel adapters claim the kind "${adapter.kind}"`);
    byKind.set(adapter.kind, adapter);
  }
  const list = [...byKind.values()];
  return {
    get: (kind) => byKind.get(kind),
    kinds: () => [...byKind.keys()],
    list: () => list,
  };
}
