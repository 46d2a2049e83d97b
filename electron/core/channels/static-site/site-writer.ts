import { ZodError } from 'zod';
import { ChannelError } from '../adapter.ts';
import { FEED_FILES, renderAtom, renderJsonFeed, renderRss } from './feeds.ts';
import { MANIFEST_FILE, parseManifest, serializeManifest, type SiteManifest } from './manifest.ts';
import { renderIndexPage, SITE_CSS, STYLESHEET_FILE } from './pages.ts';
import type { StaticSiteSettings } from './settings.ts';
import type { SiteFolder } from './site-folder.ts';

/**
 * Reading the manifest and writing everything derived from it. Each file is
 * replaced atomically on its own; the manifest is written last, so it never
 * lists a page that is not on disk, and a publish or retract that stopped
 * half-way is finished by doing it again.
 */

/** The site's manifest; a damaged file is refused with a plain reason rather than overwritten. */
export async function readManifest(folder: SiteFolder): Promise<SiteManifest> {
  const text = await folder.read(MANIFEST_FILE);
  try {
    return parseManifest(text);
  } catch (error) {
    const why = error instanceof ZodError ? (error.issues[0]?.message ?? 'not as expected') : 'not valid JSON';
    throw ChannelError.rejected(
      `The site's list of published updates (${MANIFEST_FILE} in ${folder.root}) is damaged (${why}). Restore it from a backup, or move it away to start the list again.`,
      'settings.folder',
      { cause: error },
    );
  }
}

/** Every site-wide file, in an order whose every prefix leaves a working site: stylesheet, index, feeds, manifest. */
export function siteFiles(
  site: Pick<StaticSiteSettings, 'siteUrl' | 'siteTitle' | 'language'>,
  manifest: SiteManifest,
): [path: string, content: string][] {
  return [
    [STYLESHEET_FILE, SITE_CSS],
    ['index.html', renderIndexPage(site, manifest)],
    [FEED_FILES.rss, renderRss(site, manifest)],
    [FEED_FILES.atom, renderAtom(site, manifest)],
    [FEED_FILES.json, renderJsonFeed(site, manifest)],
    [MANIFEST_FILE, serializeManifest(manifest)],
  ];
}

/**
 * Writes the index, the feeds and (last) the manifest for a new state of the
 * site; `beforeManifest` runs just before the manifest is written (a retract
 * removes the page there, so a stop half-way leaves it listed and removable).
 */
export async function writeSiteFiles(
  folder: SiteFolder,
  site: Pick<StaticSiteSettings, 'siteUrl' | 'siteTitle' | 'language'>,
  manifest: SiteManifest,
  beforeManifest?: () => Promise<void>,
): Promise<void> {
  for (const [path, content] of siteFiles(site, manifest)) {
    if (path === MANIFEST_FILE && beforeManifest) await beforeManifest();
    await folder.write(path, content);
  }
}
