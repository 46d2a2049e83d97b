import { z } from 'zod';
import { slugify } from '../../../../shared/channels/render/website.ts';

/**
 * `town-crier-site.json`: the list of what this site has published. The
 * index page and the three feeds are rebuilt from it on every publish and
 * retract, so they always agree with each other and with the pages on disk.
 * It is read back through zod: a hand-edited or damaged file is refused
 * rather than trusted.
 */

export const MANIFEST_FILE = 'town-crier-site.json';

/** Keys of the deliveries that wrote an item, newest last: enough for a status look-up after a lost answer. */
const KEPT_DELIVERY_KEYS = 20;

const IsoTime = z.iso.datetime({ offset: true });

export const SiteItem = z.object({
  /** The update's id: re-publishing the same update replaces this item. */
  id: z.string().min(1),
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  title: z.string(),
  summary: z.string(),
  /** The article HTML, with images pointing at the site's media folder (the feeds carry it as content). */
  contentHtml: z.string(),
  contentHash: z.string(),
  /** The update's tags, shown on the page and in the feeds; absent when it has none (older manifests have none). */
  tags: z.array(z.string()).optional(),
  published: IsoTime,
  updated: IsoTime,
  url: z.string(),
  deliveryKeys: z.array(z.string()).max(KEPT_DELIVERY_KEYS),
});
export type SiteItem = z.infer<typeof SiteItem>;

export const SiteManifest = z.object({
  version: z.literal(1),
  /** When the list last changed (a publish or a retract): the feeds' own "updated" time. */
  updated: IsoTime.nullable(),
  items: z.array(SiteItem),
});
export type SiteManifest = z.infer<typeof SiteManifest>;

export const EMPTY_MANIFEST: SiteManifest = { version: 1, updated: null, items: [] };

/** Parses the manifest file's text; a damaged file is an error a person must look at, never silently reset. */
export function parseManifest(text: string | undefined): SiteManifest {
  if (text === undefined) return EMPTY_MANIFEST;
  return SiteManifest.parse(JSON.parse(text));
}

/**
 * The manifest as stored: items sorted, keys in the schema's order (zod
 * rebuilds each object in its shape's order), two-space JSON and a final
 * newline, so the same list is always the same bytes.
 */
export function serializeManifest(manifest: SiteManifest): string {
  const canonical = SiteManifest.parse({ ...manifest, items: sortItems(manifest.items) });
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

/** Newest first by first publication, then by slug: a stable order for the index and every feed. */
export function sortItems(items: readonly SiteItem[]): SiteItem[] {
  return [...items].sort((a, b) =>
    a.published === b.published ? a.slug.localeCompare(b.slug, 'en') : a.published < b.published ? 1 : -1,
  );
}

/**
 * The slug for an update: the one it already has (its address never changes
 * when the title is corrected), or the title's slug, with "-2", "-3", … when
 * another update already has that address.
 */
export function slugFor(manifest: SiteManifest, updateId: string, title: string): string {
  const existing = manifest.items.find((item) => item.id === updateId);
  if (existing) return existing.slug;
  const taken = new Set(manifest.items.map((item) => item.slug));
  const base = slugify(title);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export type PublishedEntry = Omit<SiteItem, 'published' | 'updated' | 'deliveryKeys'> & { deliveryKey: string };

/**
 * The manifest after publishing an entry. The same content published again
 * (a repeated delivery) keeps its times, so the files come out byte for
 * byte the same; a correction keeps the first publication time and moves
 * "updated".
 */
export function withPublished(manifest: SiteManifest, entry: PublishedEntry, now: Date): SiteManifest {
  const iso = now.toISOString();
  const existing = manifest.items.find((item) => item.id === entry.id);
  const { deliveryKey, tags, ...fields } = entry;
  const keys = [...(existing?.deliveryKeys ?? []).filter((k) => k !== deliveryKey), deliveryKey].slice(
    -KEPT_DELIVERY_KEYS,
  );
  const unchanged =
    existing !== undefined &&
    existing.contentHash === entry.contentHash &&
    existing.title === entry.title &&
    existing.contentHtml === entry.contentHtml &&
    existing.url === entry.url &&
    (existing.tags ?? []).join('\n') === (entry.tags ?? []).join('\n');
  const item: SiteItem = {
    ...fields,
    ...(tags && tags.length > 0 ? { tags } : {}),
    published: existing?.published ?? iso,
    updated: unchanged ? existing.updated : iso,
    deliveryKeys: keys,
  };
  return {
    version: 1,
    updated: unchanged ? manifest.updated : iso,
    items: sortItems([...manifest.items.filter((i) => i.id !== entry.id), item]),
  };
}

/** The manifest without the item at `slug` (unchanged when it is not there). */
export function withoutSlug(manifest: SiteManifest, slug: string, now: Date): SiteManifest {
  if (!manifest.items.some((item) => item.slug === slug)) return manifest;
  return { version: 1, updated: now.toISOString(), items: manifest.items.filter((item) => item.slug !== slug) };
}

/** The item a delivery wrote: by its slug when the delivery recorded one, else by the delivery's key. */
export function findItem(manifest: SiteManifest, ref: { externalId: string | null; idempotencyKey: string }) {
  if (ref.externalId !== null) return manifest.items.find((item) => item.slug === ref.externalId);
  return manifest.items.find((item) => item.deliveryKeys.includes(ref.idempotencyKey));
}
