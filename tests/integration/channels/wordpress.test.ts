import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, failureOf } from '../../../electron/core/channels/adapter.ts';
import { wordpressHttpError } from '../../../electron/core/channels/wordpress/errors.ts';
import { createWordPressAdapter } from '../../../electron/core/channels/wordpress/wordpress-adapter.ts';
import { startWordPress, type WordPressSite } from '../../support/wordpress.ts';
import {
  channelContext,
  droppingFetch,
  isCreatePost,
  memoryProgress,
  plainBody,
  PNG,
  publishContext,
  ref,
  restReader,
  settingsFor,
  source,
} from './wordpress-fixtures.ts';

/**
 * The WordPress adapter against a real WordPress (Debian's package, PHP's
 * built-in server, MariaDB in a temporary folder), every result read back
 * through WordPress's own REST API.
 */

const adapter = createWordPressAdapter();
let site: WordPressSite;
let rest: ReturnType<typeof restReader>;

beforeAll(async () => {
  site = await startWordPress();
  rest = restReader(site, site.author);
  console.info(`WordPress test site started in ${site.startupMs} ms`);
}, 60_000);
afterAll(() => site?.stop());

type RestPost = {
  id: number;
  status: string;
  link: string;
  slug: string;
  title: { raw: string; rendered: string };
  content: { raw: string };
  excerpt: { raw: string };
  categories: number[];
  tags: number[];
  featured_media: number;
};
type RestMedia = { id: number; alt_text: string; source_url: string; media_type: string };

async function publish(src = source(), options: Parameters<typeof publishContext>[3] = {}, extra = {}) {
  const settings = settingsFor(site, site.author, extra);
  return adapter.publish(adapter.render(src), publishContext(settings, site.author.appPassword, src, options));
}

async function failureOfPublish(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return failureOf(error);
}

/** Posts (any live status) whose content carries the key: how many the site really has. */
async function postsWithKey(key: string): Promise<RestPost[]> {
  const query = new URLSearchParams({ search: key, status: 'publish,draft,future,pending,private', context: 'edit' });
  const posts = await rest<RestPost[]>(`/posts?${query.toString()}`);
  return posts.filter((p) => p.content.raw.includes(`data-town-crier-key="${key}"`));
}

describe('publishing to a real WordPress', () => {
  it('publishes the article with a Unicode title, lists, links, a quote, images with alt text, categories and tags', async () => {
    const category = Number(site.php("echo wp_insert_term('Waste and recycling', 'category')['term_id'];"));
    const tag = Number(site.php("echo wp_insert_term('bins', 'post_tag')['term_id'];"));
    const title = 'Café opening 🎉 — “Green bins” move to Tuesdays';
    const result = await publish(source({ title }), { key: 'key-rich' }, { categories: [category], tags: [tag] });

    const post = await rest<RestPost>(`/posts/${result.externalId}?context=edit`);
    expect(post.status).toBe('publish');
    expect(result.externalUrl).toBe(post.link);
    expect(post.link).toBe(`${site.url}/cafe-opening-green-bins-move-to-tuesdays/`);
    expect(post.title.raw).toBe(title);
    expect(post.excerpt.raw).toBe('From Monday green bins go out on Tuesdays.');
    expect(post.categories).toEqual([category]);
    expect(post.tags).toEqual([tag]);
    const html = post.content.raw;
    expect(html).toMatch(
      /^<article lang="en-GB" data-town-crier-update="[0-9a-f-]{36}" data-town-crier-key="key-rich">\n/,
    );
    // The theme prints the title; the content does not repeat it as a second <h1>.
    expect(html).not.toContain('<h1>');
    expect(html).toContain('<p class="summary">From Monday green bins go out on Tuesdays.</p>');
    expect(html).toContain('<h2>What changes</h2>');
    expect(html).toContain('<a href="https://example.gov.uk/bins">See the calendar</a>');
    expect(html).toContain('<ul><li><p>Garden waste</p></li><li><p>Food waste</p></li></ul>');
    expect(html).toContain('<blockquote><p>It will save 400 tonnes of CO₂ a year.</p></blockquote>');
    expect(html).not.toContain('media:');

    // Both images are in the media library with their alt text, and the post's <img> tags use WordPress's copies.
    const images = [...html.matchAll(/<img src="([^"]+)" alt="([^"]+)"/g)].map((m) => ({ src: m[1], alt: m[2] }));
    expect(images.map((i) => i.alt)).toEqual(['A green wheelie bin at the kerb', 'The new collection calendar']);
    const media = await rest<RestMedia[]>(`/media?parent=0&per_page=100&context=edit`);
    for (const image of images) {
      const item = media.find((m) => m.source_url === image.src);
      expect(item?.alt_text).toBe(image.alt);
      expect(item?.media_type).toBe('image');
    }
    const first = media.find((m) => m.source_url === images[0]?.src);
    expect(post.featured_media).toBe(first?.id);
    const served = await fetch(images[0]?.src ?? '');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    // The rendered title as a visitor gets it keeps the emoji and the accents.
    const visitor = await fetch(`${site.url}/wp-json/wp/v2/posts/${result.externalId}`);
    const seen = (await visitor.json()) as { title: { rendered: string } };
    expect(seen.title.rendered).toContain('Café opening 🎉');
  });

  it('posts as a draft when the channel says so, and Test connection names the account', async () => {
    const result = await publish(
      source({ title: 'Draft for review', body: plainBody() }),
      { key: 'key-draft' },
      {
        status: 'draft',
      },
    );
    const post = await rest<RestPost>(`/posts/${result.externalId}?context=edit`);
    expect(post.status).toBe('draft');

    const check = await adapter.test(channelContext(settingsFor(site, site.author), site.author.appPassword));
    expect(check).toEqual({ ok: true, account: 'Comms Team (comms)' });
  });

  it('a retried attempt reuses the images already uploaded and makes one post', async () => {
    const before = (await rest<RestMedia[]>('/media?per_page=100')).length;
    const progress = memoryProgress();
    // The first attempt uploads both images, then cannot reach WordPress for the post itself.
    const refusing = Object.assign((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
      isCreatePost(String(input), init)
        ? Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))
        : fetch(input, init),
    );
    const first = await failureOfPublish(publish(source(), { key: 'key-retry', progress, fetch: refusing }));
    expect(first).toMatchObject({ kind: 'retryable', offline: true });
    expect((await rest<RestMedia[]>('/media?per_page=100')).length).toBe(before + 2);
    expect(progress.value).toMatchObject({ postRequested: true });

    const result = await publish(source(), { key: 'key-retry', progress, attempt: 2 });
    expect((await rest<RestMedia[]>('/media?per_page=100')).length).toBe(before + 2);
    expect((await postsWithKey('key-retry')).map((p) => String(p.id))).toEqual([result.externalId]);
  });

  it('an attempt whose answer was lost is found by look-up, and sending again makes no duplicate', async () => {
    const progress = memoryProgress();
    const dropping = droppingFetch(isCreatePost);
    const failure = await failureOfPublish(
      publish(source({ body: plainBody() }), { key: 'key-lost', progress, fetch: dropping }),
    );
    expect(failure.kind).toBe('unknown_outcome');
    expect(dropping.dropped).toBe(1);

    const settings = settingsFor(site, site.author);
    const ctx = channelContext(settings, site.author.appPassword);
    const [made] = await postsWithKey('key-lost');
    expect(await adapter.lookup?.(ref(null, 'key-lost'), ctx)).toEqual({
      state: 'published',
      externalId: String(made?.id),
      externalUrl: made?.link,
    });
    expect(await adapter.lookup?.(ref(null, 'key-never-sent'), ctx)).toEqual({ state: 'absent' });

    // "Send again" (or an automatic retry) first looks, finds the post, and does not post twice.
    const again = await publish(source({ body: plainBody() }), { key: 'key-lost', progress, attempt: 2 });
    expect(again.externalId).toBe(String(made?.id));
    // Even with no progress record (another worker), attempt 2 looks before posting.
    const fresh = await publish(source({ body: plainBody() }), { key: 'key-lost', attempt: 2 });
    expect(fresh.externalId).toBe(String(made?.id));
    expect(await postsWithKey('key-lost')).toHaveLength(1);
  });

  it('publishing a corrected update changes its post in place: same id and address, one post', async () => {
    const updateId = 'update-corrected';
    const first = await publish(
      source({ updateId, title: 'Road closed on Monday', body: plainBody('Closed 9am to 5pm.') }),
      {
        key: 'key-first',
      },
    );
    const corrected = await publish(
      source({ updateId, revision: 2, title: 'Road closed on Tuesday', body: plainBody('Closed 9am to 3pm.') }),
      { key: 'key-correction' },
      { status: 'draft' },
    );
    expect(corrected).toEqual(first);
    const post = await rest<RestPost>(`/posts/${first.externalId}?context=edit`);
    expect(post.title.raw).toBe('Road closed on Tuesday');
    expect(post.content.raw).toContain('Closed 9am to 3pm.');
    expect(post.content.raw).toContain('data-town-crier-key="key-correction"');
    // The address and the status stay as they were (a correction never unpublishes).
    expect(post.slug).toBe('road-closed-on-monday');
    expect(post.status).toBe('publish');
    const query = new URLSearchParams({ search: updateId, status: 'publish,draft', context: 'edit' });
    expect((await rest<RestPost[]>(`/posts?${query.toString()}`)).map((p) => String(p.id))).toEqual([first.externalId]);
    // The correcting delivery's look-up finds the post by its own key.
    const ctx = channelContext(settingsFor(site, site.author), site.author.appPassword);
    expect(await adapter.lookup?.(ref(null, 'key-correction'), ctx)).toMatchObject({
      state: 'published',
      externalId: first.externalId,
    });
  });

  it('retract moves the post to the trash; look-up then says absent, and a second retract is harmless', async () => {
    const result = await publish(source({ title: 'Road closure', body: plainBody() }), { key: 'key-retract' });
    const ctx = channelContext(settingsFor(site, site.author), site.author.appPassword);
    await adapter.retract?.(ref(result.externalId, 'key-retract'), ctx);
    const post = await rest<RestPost>(`/posts/${result.externalId}?context=edit`);
    expect(post.status).toBe('trash');
    expect(await adapter.lookup?.(ref(result.externalId, 'key-retract'), ctx)).toEqual({ state: 'absent' });
    await adapter.retract?.(ref(result.externalId, 'key-retract'), ctx);
    await adapter.retract?.(ref('999999', 'key-gone'), ctx);

    // Without the post id (the answer was lost), retract finds the post by its key.
    const lost = await publish(source({ title: 'Fete cancelled', body: plainBody() }), { key: 'key-retract-2' });
    await adapter.retract?.(ref(null, 'key-retract-2'), ctx);
    expect((await rest<RestPost>(`/posts/${lost.externalId}?context=edit`)).status).toBe('trash');
  });
});

describe('failures from a real WordPress', () => {
  it('a wrong application password is an auth failure, and Test connection says so', async () => {
    const failure = await failureOfPublish(
      adapter.publish(
        adapter.render(source()),
        publishContext(settingsFor(site, site.author), 'abcd efgh ijkl mnop qrst uvwx', source()),
      ),
    );
    expect(failure.kind).toBe('auth');
    expect(failure.message).toContain('HTTP 401');
    expect(failure.message).toContain('Reconnect the channel with a new application password');
    const check = await adapter.test(channelContext(settingsFor(site, site.author), 'wrong'));
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining('application password') });
    const missing = await failureOfPublish(
      adapter.publish(adapter.render(source()), publishContext(settingsFor(site, site.author), undefined, source())),
    );
    expect(missing).toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('No WordPress application password'),
    });
  });

  it('an account that may not create posts (rest_cannot_create) needs a person, and Test connection explains', async () => {
    const settings = settingsFor(site, site.subscriber);
    const src = source({ body: plainBody() });
    const failure = await failureOfPublish(
      adapter.publish(adapter.render(src), publishContext(settings, site.subscriber.appPassword, src)),
    );
    // Its first call, the search for an earlier post of the update, is refused: drafts are not the Subscriber's to see.
    expect(failure).toEqual({
      kind: 'auth',
      message:
        'The WordPress account may not look for the post (HTTP 403 rest_forbidden_status: Status is forbidden). Give it the Author role or higher, or reconnect the channel with another account.',
    });
    // Creating a post is refused as rest_cannot_create: the same class, from the body WordPress really sends.
    const authorization = `Basic ${Buffer.from(`reader:${site.subscriber.appPassword}`).toString('base64')}`;
    const response = await fetch(`${site.url}/wp-json/wp/v2/posts`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x' }),
    });
    expect(response.status).toBe(403);
    const created = await wordpressHttpError(response, 'create the post', Date.now());
    expect(created.failure).toEqual({
      kind: 'auth',
      message:
        'The WordPress account may not create the post (HTTP 403 rest_cannot_create: Sorry, you are not allowed to create posts as this user). Give it the Author role or higher, or reconnect the channel with another account.',
    });
    const check = await adapter.test(channelContext(settings, site.subscriber.appPassword));
    expect(check).toEqual({
      ok: false,
      message: 'The WordPress account "reader" may not upload images. Give it the Author role or higher.',
    });
  });

  it('rest_invalid_param is rejected naming the field, from the body WordPress really sends', async () => {
    const authorization = `Basic ${Buffer.from(`comms:${site.author.appPassword}`).toString('base64')}`;
    const response = await fetch(`${site.url}/wp-json/wp/v2/posts`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', status: 'sometime' }),
    });
    expect(response.status).toBe(400);
    const error = await wordpressHttpError(response, 'create the post', Date.now());
    expect(error.failure).toMatchObject({ kind: 'rejected', field: 'settings.status' });
    expect(error.message).toMatch(/^WordPress refused the post: "status" is not valid \(status is not one of /);
  });

  it('an address with no WordPress REST API is rejected naming the site address', async () => {
    const settings = settingsFor(site, site.author, { siteUrl: `${site.url}/not-here` });
    const check = await adapter.test(channelContext(settings, site.author.appPassword));
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining('There is no WordPress REST API') });
  });

  it('an image without alt text is refused before anything is sent', async () => {
    const body = source().body;
    const noAlt = {
      ...body,
      content: body.content.map((block) =>
        block.type === 'image' ? { ...block, attrs: { ...block.attrs, alt: ' ' } } : block,
      ),
    };
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => (calls.push(String(input)), fetch(input, init));
    const failure = await failureOfPublish(publish(source({ body: noAlt }), { key: 'key-no-alt', fetch: counting }));
    expect(failure).toMatchObject({
      kind: 'rejected',
      field: 'body',
      message: expect.stringContaining('image 1 has no alt text'),
    });
    expect(calls).toEqual([]);
  });

  it('a WordPress that is down is offline (retry later), and a database that is down is retryable', async () => {
    await site.stopWeb();
    try {
      const failure = await failureOfPublish(publish(source({ body: plainBody() }), { key: 'key-down' }));
      expect(failure).toMatchObject({ kind: 'retryable', offline: true });
      expect(failure.message).toContain('ECONNREFUSED');
    } finally {
      await site.startWeb();
    }
    expect(await postsWithKey('key-down')).toHaveLength(0);

    await site.stopDatabase();
    try {
      const failure = await failureOfPublish(publish(source({ body: plainBody() }), { key: 'key-no-db' }));
      expect(failure).toMatchObject({ kind: 'retryable', offline: false });
      expect(failure.message).toBe(
        'WordPress had a problem and could not look for the post (HTTP 500 wp_die: Error establishing a database connection).',
      );
    } finally {
      await site.startDatabase();
    }
    expect(await postsWithKey('key-no-db')).toHaveLength(0);
  });
});
