import { randomBytes } from 'node:crypto';
import { renderVariant } from '../../../../shared/channels/variants.ts';
import { mediaIdsOf } from '../../../../shared/content/images.ts';
import type { ImageType } from '../../../../shared/media/image-type.ts';
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelContext,
  type PublishContext,
  type RenderSource,
} from '../adapter.ts';
import { findItem, slugFor, withoutSlug, withPublished } from './manifest.ts';
import { renderArticlePage } from './pages.ts';
import { StaticSiteSettings } from './settings.ts';
import { folderError, openSiteFolder, type SiteFolder } from './site-folder.ts';
import { readManifest, writeSiteFiles } from './site-writer.ts';

/**
 * The static-site channel: writes each update as an HTML page into a folder
 * (which a web server serves, or a sync job copies), with an index page and
 * RSS, Atom and JSON feeds rebuilt from a manifest on every change.
 */

export const STATIC_SITE_KIND = 'website.static';

const EXTENSIONS: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** What every website channel sends: the compose preview's article (the website variant's title applies). */
function renderArticle(source: RenderSource, imageSrc?: (mediaId: string) => string) {
  const rendered = renderVariant(
    'website',
    { title: source.title, summary: source.summary, body: source.body },
    source.variants,
    { organisationName: '', ...(imageSrc ? { imageSrc } : {}) },
  );
  // renderVariant('website') always answers with a website variant; this narrows the union for TypeScript.
  if (rendered.kind !== 'website') throw new Error('renderVariant returned another channel for website');
  return rendered.article;
}

/** The update's tags, trimmed, each once (ignoring case), in the order they were given. */
function tagsOf(tags: readonly string[] | undefined): string[] {
  const seen = new Map<string, string>();
  for (const tag of tags ?? []) {
    const trimmed = tag.trim();
    const key = trimmed.toLocaleLowerCase('en-GB');
    if (trimmed && !seen.has(key)) seen.set(key, trimmed);
  }
  return [...seen.values()];
}

/** Runs one file operation, turning file-system errors into the queue's classes with the folder named. */
async function onDisk<T>(settings: StaticSiteSettings, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw folderError(settings.folder, error);
  }
}

/** Copies the update's images into `media/<sha256>.<ext>` and returns where each is, by media id. */
async function copyImages(folder: SiteFolder, ctx: PublishContext<StaticSiteSettings>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const id of mediaIdsOf(ctx.source.body)) {
    const media = await ctx.media(id);
    if (!media) {
      throw ChannelError.rejected(
        'An image in this update is no longer in Town Crier (it may come from another database). Replace the image and publish again.',
        'body',
      );
    }
    const file = `${media.id}.${EXTENSIONS[media.type]}`;
    await folder.write(`media/${file}`, media.bytes);
    files.set(id, file);
  }
  return files;
}

async function publishToFolder(ctx: PublishContext<StaticSiteSettings>) {
  const settings = ctx.settings;
  const folder = await openSiteFolder(settings.folder);
  const manifest = await readManifest(folder);
  const images = await copyImages(folder, ctx);
  const fileOf = (id: string) => images.get(id) ?? `${id}`;
  const pageArticle = renderArticle(ctx.source, (id) => `../../media/${fileOf(id)}`);
  const feedArticle = renderArticle(ctx.source, (id) => `${settings.siteUrl}/media/${fileOf(id)}`);
  const slug = slugFor(manifest, ctx.source.updateId, pageArticle.title);
  const url = `${settings.siteUrl}/news/${slug}/`;
  const next = withPublished(
    manifest,
    {
      id: ctx.source.updateId,
      slug,
      title: pageArticle.title,
      summary: pageArticle.excerpt,
      contentHtml: feedArticle.html,
      contentHash: ctx.source.contentHash,
      tags: tagsOf(ctx.source.tags),
      url,
      deliveryKey: ctx.delivery.idempotencyKey,
    },
    ctx.now(),
  );
  const item = next.items.find((i) => i.id === ctx.source.updateId);
  // withPublished always keeps the entry it was given; this narrows the find for TypeScript.
  if (!item) throw new Error('The published item is missing from the new manifest');
  const page = renderArticlePage(settings, {
    title: item.title,
    summary: item.summary,
    articleHtml: pageArticle.html,
    tags: item.tags ?? [],
    url,
    published: item.published,
    updated: item.updated,
  });
  await folder.write(`news/${slug}/index.html`, page);
  await writeSiteFiles(folder, settings, next);
  return { externalId: slug, externalUrl: url };
}

/**
 * The static-site adapter. Idempotent: a page's address is keyed by the
 * update, so sending the same delivery again rewrites the same files with
 * the same bytes, and nothing is ever duplicated.
 */
export function createStaticSiteAdapter(): ChannelAdapter<StaticSiteSettings> {
  return {
    kind: STATIC_SITE_KIND,
    displayName: 'Website (static files)',
    settingsSchema: StaticSiteSettings,
    limits: { contentKind: 'website' },
    // Local files: a few at once keeps the folder's manifest writes from racing within one worker.
    sendLimits: { concurrency: 1, burst: 10, perSecond: 10 },
    idempotent: true,

    render(source) {
      const article = renderArticle(source);
      return { title: article.title, text: article.excerpt, html: article.html };
    },

    async test(ctx: ChannelContext<StaticSiteSettings>) {
      try {
        const folder = await openSiteFolder(ctx.settings.folder);
        const probe = `town-crier-probe-${randomBytes(6).toString('hex')}.tmp`;
        await onDisk(ctx.settings, async () => {
          await folder.write(probe, 'Town Crier checks it can write here.\n');
          await folder.remove(probe);
        });
        return { ok: true, account: ctx.settings.siteUrl };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    async publish(_post, ctx) {
      const result = await onDisk(ctx.settings, () => publishToFolder(ctx));
      ctx.logger.info('Wrote an update to a static site', { slug: result.externalId, folder: ctx.settings.folder });
      return result;
    },

    async lookup(ref, ctx) {
      return onDisk(ctx.settings, async () => {
        const item = findItem(await readManifest(await openSiteFolder(ctx.settings.folder)), ref);
        return item ? { state: 'published', externalId: item.slug, externalUrl: item.url } : { state: 'absent' };
      });
    },

    async retract(ref, ctx) {
      await onDisk(ctx.settings, async () => {
        const folder = await openSiteFolder(ctx.settings.folder);
        const manifest = await readManifest(folder);
        const slug = findItem(manifest, ref)?.slug ?? ref.externalId;
        if (slug === null) return;
        const next = withoutSlug(manifest, slug, ctx.now());
        const removePage = () => folder.remove(`news/${slug}`);
        // The index and feeds drop it first, so nothing links to a page that is gone; the manifest goes last.
        if (next === manifest) await removePage();
        else await writeSiteFiles(folder, ctx.settings, next, removePage);
      });
      ctx.logger.info('Removed an update from a static site', { folder: ctx.settings.folder });
    },
  };
}
