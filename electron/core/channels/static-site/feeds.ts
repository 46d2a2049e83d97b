import { Feed } from 'feed';
import { escapeHtml } from '../../../../shared/content/render.ts';
import { sortItems, type SiteItem, type SiteManifest } from './manifest.ts';
import type { StaticSiteSettings } from './settings.ts';

/**
 * The three feeds of a static site, built from the manifest alone. Nothing
 * here reads the clock: every date is an item's own or the manifest's
 * "updated", so the same manifest gives the same bytes.
 */

export const FEED_FILES = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' } as const;

type SiteMeta = Pick<StaticSiteSettings, 'siteUrl' | 'siteTitle' | 'language'>;

/** Before anything is published the feeds need some "updated" time; the epoch keeps the bytes fixed. */
function feedUpdated(manifest: SiteManifest): Date {
  return new Date(manifest.updated ?? 0);
}

function describe(site: SiteMeta): string {
  return `News from ${site.siteTitle}`;
}

/**
 * RSS 2.0 and Atom (RFC 4287) through the `feed` package. Titles go in as
 * escaped HTML (Atom marks them `type="html"`), and our HTML never contains
 * "]]>", which the package's CDATA writer would only split once.
 */
function xmlFeed(site: SiteMeta, manifest: SiteManifest): Feed {
  const feed = new Feed({
    id: `${site.siteUrl}/`,
    title: site.siteTitle,
    description: describe(site),
    link: `${site.siteUrl}/`,
    language: site.language,
    updated: feedUpdated(manifest),
    generator: 'Town Crier',
    author: { name: site.siteTitle, link: `${site.siteUrl}/` },
    feedLinks: {
      rss: `${site.siteUrl}/${FEED_FILES.rss}`,
      atom: `${site.siteUrl}/${FEED_FILES.atom}`,
      json: `${site.siteUrl}/${FEED_FILES.json}`,
    },
  });
  for (const item of sortItems(manifest.items)) {
    feed.addItem({
      title: escapeHtml(item.title),
      id: item.url,
      link: item.url,
      date: new Date(item.updated),
      published: new Date(item.published),
      ...(item.summary ? { description: escapeHtml(item.summary) } : {}),
      content: item.contentHtml,
      // RSS <category>, Atom <category term label>: the update's tags.
      ...(item.tags?.length ? { category: item.tags.map((tag) => ({ name: tag, term: tag })) } : {}),
    });
  }
  return feed;
}

/** RSS 2.0: channel title/link/description, and per item title, link, guid and pubDate. */
export function renderRss(site: SiteMeta, manifest: SiteManifest): string {
  return `${xmlFeed(site, manifest).rss2()}\n`;
}

/** Atom (RFC 4287): feed id/title/updated/author, and per entry id, title, updated, link and content. */
export function renderAtom(site: SiteMeta, manifest: SiteManifest): string {
  return `${xmlFeed(site, manifest).atom1()}\n`;
}

/**
 * JSON Feed 1.1, written by hand: the `feed` package writes version 1 only.
 * Keys are written in a fixed order, so the output is byte-stable.
 */
export function renderJsonFeed(site: SiteMeta, manifest: SiteManifest): string {
  const jsonItem = (item: SiteItem) => ({
    id: item.url,
    url: item.url,
    title: item.title,
    ...(item.summary ? { summary: item.summary } : {}),
    content_html: item.contentHtml,
    date_published: item.published,
    date_modified: item.updated,
    ...(item.tags?.length ? { tags: item.tags } : {}),
    language: site.language,
  });
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: site.siteTitle,
    home_page_url: `${site.siteUrl}/`,
    feed_url: `${site.siteUrl}/${FEED_FILES.json}`,
    description: describe(site),
    language: site.language,
    authors: [{ name: site.siteTitle, url: `${site.siteUrl}/` }],
    items: sortItems(manifest.items).map(jsonItem),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
