import { RichText, type AppBskyRichtextFacet } from '@atproto/api';

/**
 * Rich-text facets for a Bluesky post. Bluesky does not find links in a
 * post's text itself: a link is only clickable when the record carries a
 * facet naming its UTF-8 byte range (not its UTF-16 or character range, so an
 * emoji or a Chinese character before a link moves it by 3 or 4 bytes).
 * @atproto/api's RichText finds links, #hashtags and @mentions and computes
 * the byte offsets; mentions need the account's DID, looked up by the caller.
 */

export type Facet = AppBskyRichtextFacet.Main;

const MENTION = 'app.bsky.richtext.facet#mention';

/** Link and hashtag facets, plus mention facets still holding the handle where the DID goes (see `resolveMentions`). */
export function detectFacets(text: string): Facet[] {
  const rich = new RichText({ text });
  rich.detectFacetsWithoutResolution();
  return rich.facets ?? [];
}

/** The handle a mention facet names before it is resolved. */
export function mentionHandle(facet: Facet): string | undefined {
  const feature = facet.features[0] as { $type?: string; did?: unknown } | undefined;
  return feature?.$type === MENTION && typeof feature.did === 'string' && !feature.did.startsWith('did:')
    ? feature.did
    : undefined;
}

/**
 * Replaces each mention's handle with its DID, dropping mentions that could
 * not be resolved (they stay as plain text, which is what the Bluesky app does).
 */
export async function resolveMentions(
  facets: readonly Facet[],
  resolve: (handle: string) => Promise<string | undefined>,
): Promise<Facet[]> {
  const out: Facet[] = [];
  for (const facet of facets) {
    const handle = mentionHandle(facet);
    if (handle === undefined) {
      out.push(facet);
      continue;
    }
    const did = await resolve(handle).catch(() => undefined);
    if (did) out.push({ ...facet, features: [{ $type: MENTION, did }] });
  }
  return out;
}
