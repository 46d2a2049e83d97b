import { renderVariant } from '../../../../shared/channels/variants.ts';
import {
  type ChannelAdapter,
  type ChannelContext,
  type PublishContext,
  type RemoteState,
  type RenderSource,
} from '../adapter.ts';
import { callWordPress, Post, readAnswer, User, type WordPressContext } from './client.ts';
import { carries, keyAttribute, updateAttribute, wordpressContent } from './content.ts';
import { WORDPRESS } from './errors.ts';
import { imagesToUpload, uploadImages } from './media.ts';
import { openProgress } from './progress.ts';
import { WORDPRESS_SECRETS, WordPressSettings } from './settings.ts';
import { resolvePostTerms } from './terms.ts';

/**
 * The WordPress channel: publishes an update as a WordPress post through the
 * REST API (`/wp-json/wp/v2`), as an account with an application password.
 * The post's content is the website article the preview showed, its images
 * uploaded to the media library with their alt text first. Each post carries
 * its delivery's idempotency key, so a send whose answer was lost is found
 * again (`lookup`) instead of being posted twice.
 */

export const WORDPRESS_KIND = 'website.wordpress';

/** Statuses a look-up searches: everything but the trash (a trashed post was retracted, so it is not "out"). */
const LIVE_STATUSES = 'publish,future,draft,pending,private';

/** The website article (the website variant's title applies), with images loading from `imageSrc`. */
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

/**
 * Where the post is read. A scheduled (`future`) post's `link` is `?p=<id>`
 * until WordPress publishes it; its address pattern with its slug is where it
 * will be, which is what the other channels should link to.
 */
export function postAddress(post: Pick<Post, 'link' | 'status' | 'slug' | 'permalink_template'>): string {
  const template = post.permalink_template;
  if (post.status === 'future' && post.slug && template && /%(postname|pagename)%/.test(template)) {
    return template.replace(/%(postname|pagename)%/, post.slug);
  }
  return post.link;
}

function published(post: Post | { id: number; link: string }): { externalId: string; externalUrl: string } {
  return { externalId: String(post.id), externalUrl: 'status' in post ? postAddress(post) : post.link };
}

/** Leave this long at least between sending and the scheduled time, or the post simply goes out now. */
const FUTURE_MARGIN_MS = 60_000;

/**
 * When WordPress should make the post public, if the channel lets WordPress
 * schedule it and the publication's time is still ahead: UTC, as `date_gmt`
 * wants it (WordPress shows it in the site's own time zone).
 */
export function scheduledDateGmt(
  settings: Pick<WordPressSettings, 'scheduleInWordPress'>,
  scheduledAt: string | undefined,
  now: Date,
): string | undefined {
  if (!settings.scheduleInWordPress || scheduledAt === undefined) return undefined;
  const at = Date.parse(scheduledAt);
  if (!Number.isFinite(at) || at <= now.getTime() + FUTURE_MARGIN_MS) return undefined;
  return new Date(at).toISOString().slice(0, 19);
}

/**
 * The newest post whose content carries `attribute` (the trash excluded):
 * WordPress's search finds candidates by `term`, the raw content decides.
 */
async function findCarrying(ctx: WordPressContext, term: string, attribute: string): Promise<Post | undefined> {
  const query = new URLSearchParams({
    search: term,
    status: LIVE_STATUSES,
    context: 'edit',
    per_page: '20',
    orderby: 'date',
    _fields: 'id,link,status,slug,permalink_template,content',
  });
  const response = await callWordPress(ctx, {
    method: 'GET',
    path: `/posts?${query.toString()}`,
    creates: false,
    action: 'look for the post',
  });
  const posts = await readAnswer(response, Post.array(), false);
  return posts.find((post) => carries(post.content?.raw, attribute));
}

/** The post this delivery made, if WordPress has one. */
function findByKey(ctx: WordPressContext, idempotencyKey: string): Promise<Post | undefined> {
  return findCarrying(ctx, idempotencyKey, keyAttribute(idempotencyKey));
}

/** The post of this update made by an earlier publication: a correction changes it instead of adding one. */
function findByUpdate(ctx: WordPressContext, updateId: string): Promise<Post | undefined> {
  return findCarrying(ctx, updateId, updateAttribute(updateId));
}

/** A post by its id: undefined when it is gone or in the trash. */
async function findById(ctx: WordPressContext, id: string): Promise<Post | undefined> {
  if (!/^\d+$/.test(id)) return undefined;
  const response = await callWordPress(
    ctx,
    {
      method: 'GET',
      path: `/posts/${id}?context=edit&_fields=id,link,status,slug,permalink_template`,
      creates: false,
      action: 'read the post',
    },
    [404, 410],
  );
  if (!response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  const post = await readAnswer(response, Post, false);
  return post.status === 'trash' ? undefined : post;
}

async function publishPost(ctx: PublishContext<WordPressSettings>) {
  const key = ctx.delivery.idempotencyKey;
  const progress = await openProgress(ctx.progress);
  const done = progress.get().post;
  if (done) return published(done);
  // An earlier attempt asked for the post and never heard back: it may be there already.
  if (progress.get().postRequested || ctx.delivery.attempt > 1) {
    const found = await findByKey(ctx, key);
    if (found) {
      await progress.update({ post: { id: found.id, link: found.link } });
      ctx.logger.info('Found the WordPress post of an earlier attempt', { postId: found.id });
      return published(found);
    }
  }
  const images = imagesToUpload(ctx);
  const uploaded = await uploadImages(ctx, images, progress);
  const article = renderArticle(ctx.source, (id) => uploaded[id]?.url ?? '');
  const first = images[0] ? uploaded[images[0].mediaId] : undefined;
  const settings = ctx.settings;
  const terms = await resolvePostTerms(ctx, progress);
  const fields = {
    title: article.title,
    content: wordpressContent(article.html, { updateId: ctx.source.updateId, idempotencyKey: key }),
    excerpt: article.excerpt,
    ...(terms.categories.length ? { categories: terms.categories } : {}),
    ...(terms.tags.length || (settings.tagsFromUpdate && ctx.source.tags !== undefined) ? { tags: terms.tags } : {}),
    ...(first ? { featured_media: first.id } : {}),
  };
  // Scheduled in WordPress: a `future` post that WordPress makes public at date_gmt (a draft stays a draft).
  const dateGmt = scheduledDateGmt(settings, ctx.source.scheduledAt, ctx.now());
  const status = settings.status === 'draft' ? 'draft' : dateGmt ? 'future' : 'publish';
  // A correction: the update already has a post, so it is changed in place and keeps its address and status,
  // except that a post still waiting for its time takes this publication's time (or goes out now).
  const earlier = await findByUpdate(ctx, ctx.source.updateId);
  const timing = dateGmt ? { status, date_gmt: dateGmt } : { status, date_gmt: ctx.now().toISOString().slice(0, 19) };
  await progress.update({ postRequested: true });
  const response = earlier
    ? await callWordPress(ctx, {
        method: 'POST',
        path: `/posts/${earlier.id}`,
        creates: true,
        action: 'update the post',
        json: { ...fields, ...(earlier.status === 'future' && status !== 'draft' ? timing : {}) },
      })
    : await callWordPress(ctx, {
        method: 'POST',
        path: '/posts',
        creates: true,
        action: 'create the post',
        json: { ...fields, slug: article.slug, status, ...(dateGmt ? { date_gmt: dateGmt } : {}) },
      });
  const post = await readAnswer(response, Post, true);
  await progress.update({ post: { id: post.id, link: postAddress(post) } });
  ctx.logger.info(earlier ? 'Updated a WordPress post' : 'Published to WordPress', {
    postId: post.id,
    status: post.status,
    ...(dateGmt ? { publishesAt: dateGmt } : {}),
    images: images.length,
  });
  return published(post);
}

/** What the account lacks to publish (upload images, publish or draft posts), or null when it has it all. */
function missingCapability(capabilities: Record<string, boolean> | undefined, status: string): string | null {
  if (!capabilities) return null;
  if (!capabilities['upload_files']) return 'upload images';
  if (status === 'publish' && !capabilities['publish_posts']) return 'publish posts';
  if (!capabilities['edit_posts']) return 'write posts';
  return null;
}

/**
 * The WordPress adapter. Not idempotent (WordPress has no idempotency key),
 * but look-up-able: an unconfirmed send is settled by finding the post by its
 * key, and a retried attempt looks before it posts again.
 */
export function createWordPressAdapter(): ChannelAdapter<WordPressSettings> {
  return {
    kind: WORDPRESS_KIND,
    displayName: 'Website (WordPress)',
    settingsSchema: WordPressSettings,
    secrets: WORDPRESS_SECRETS,
    limits: { contentKind: 'website' },
    // One post at a time per site: a council's news is a few posts a day, and shared hosting is slow.
    sendLimits: { concurrency: 1, burst: 5, perSecond: 1 },
    idempotent: false,

    render(source) {
      const article = renderArticle(source);
      return { title: article.title, text: article.excerpt, html: article.html };
    },

    async test(ctx: ChannelContext<WordPressSettings>) {
      try {
        const response = await callWordPress(ctx, {
          method: 'GET',
          path: '/users/me?context=edit',
          creates: false,
          action: 'check the account',
        });
        const user = await readAnswer(response, User, false);
        const missing = missingCapability(user.capabilities, ctx.settings.status);
        if (missing) {
          return {
            ok: false,
            message: `The ${WORDPRESS} account "${user.username ?? user.name}" may not ${missing}. Give it the Author role or higher.`,
          };
        }
        return { ok: true, account: `${user.name} (${user.username ?? ctx.settings.username})` };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    publish: (_post, ctx) => publishPost(ctx),

    publishesAtScheduledTime: (settings) => settings.scheduleInWordPress,

    async lookup(ref, ctx): Promise<RemoteState> {
      const post =
        (ref.externalId === null ? undefined : await findById(ctx, ref.externalId)) ??
        (await findByKey(ctx, ref.idempotencyKey));
      return post ? { state: 'published', ...published(post) } : { state: 'absent' };
    },

    async retract(ref, ctx) {
      const id = ref.externalId ?? (await findByKey(ctx, ref.idempotencyKey))?.id.toString();
      if (id === undefined || !/^\d+$/.test(id)) return;
      // Without force=true WordPress moves the post to the trash, where an editor can still restore it.
      const response = await callWordPress(
        ctx,
        { method: 'DELETE', path: `/posts/${id}`, creates: false, action: 'move the post to the trash' },
        [404, 410],
      );
      await response.body?.cancel();
      ctx.logger.info('Moved a WordPress post to the trash', { postId: id, already: !response.ok });
    },
  };
}
