import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, failureOf } from '../../../electron/core/channels/adapter.ts';
import { createWordPressAdapter } from '../../../electron/core/channels/wordpress/wordpress-adapter.ts';
import { startWordPress, type WordPressSite, type WordPressUser } from '../../support/wordpress.ts';
import {
  droppingFetch,
  memoryProgress,
  plainBody,
  publishContext,
  ref,
  restReader,
  settingsFor,
  source,
} from './wordpress-fixtures.ts';

/**
 * Categories and tags from the update's own tags, posts scheduled in
 * WordPress (`future`), and corrections, against a real WordPress whose
 * clock is Europe/London. Everything is read back through its REST API.
 */

const adapter = createWordPressAdapter();
let site: WordPressSite;
let editor: WordPressUser;
let rest: ReturnType<typeof restReader>;

beforeAll(async () => {
  site = await startWordPress();
  rest = restReader(site, site.author);
  site.php("update_option('timezone_string', 'Europe/London');");
  editor = JSON.parse(
    site.php(`$id = wp_insert_user(['user_login' => 'editor1', 'user_pass' => wp_generate_password(24),
      'user_email' => 'editor1@example.test', 'display_name' => 'An Editor', 'role' => 'editor']);
    $made = WP_Application_Passwords::create_new_application_password($id, ['name' => 'Town Crier']);
    echo json_encode(['id' => $id, 'username' => 'editor1', 'appPassword' => $made[0]]);`),
  ) as WordPressUser;
}, 60_000);
afterAll(() => site?.stop());

type RestPost = {
  id: number;
  status: string;
  link: string;
  slug: string;
  date: string;
  date_gmt: string;
  title: { raw: string };
  categories: number[];
  tags: number[];
};
type RestTerm = { id: number; name: string; slug: string };

type Options = Parameters<typeof publishContext>[3] & { user?: WordPressUser };

async function publish(src: ReturnType<typeof source>, options: Options = {}, extra: Record<string, unknown> = {}) {
  const user = options.user ?? site.author;
  const settings = settingsFor(site, user, extra);
  return adapter.publish(adapter.render(src), publishContext(settings, user.appPassword, src, options));
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return failureOf(error);
}

/** Every term of a taxonomy, by its name as WordPress returns it (HTML-escaped). */
async function allTerms(taxonomy: 'tags' | 'categories'): Promise<RestTerm[]> {
  return rest<RestTerm[]>(`/${taxonomy}?per_page=100&_fields=id,name,slug`);
}

async function termNames(taxonomy: 'tags' | 'categories', ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const terms = await rest<RestTerm[]>(`/${taxonomy}?include=${ids.join(',')}&per_page=100&_fields=id,name`);
  return terms.map((t) => t.name).sort();
}

/** Counts the calls a fetch makes to a route, by method. */
function countingFetch() {
  const calls: string[] = [];
  const wrapped = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    calls.push(`${init?.method ?? 'GET'} ${url.pathname.replace('/wp-json/wp/v2', '')}`);
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, calls };
}

describe('tags and categories from the update’s tags', () => {
  it('makes each update tag a WordPress tag (Unicode names, existing ones reused in any case), once', async () => {
    site.php("wp_insert_term('Roads', 'post_tag');");
    const progress = memoryProgress();
    const counting = countingFetch();
    const tags = ['roads', 'Straßenbau', '道路工事', 'Bins & recycling', "Children's services", 'ROADS'];
    const src = source({ title: 'Roadworks on the A6', body: plainBody(), tags });
    const result = await publish(src, { key: 'key-tags', progress, fetch: counting.fetch });

    const post = await rest<RestPost>(`/posts/${result.externalId}?context=edit`);
    // WordPress keeps "&" escaped in term names; what a reader sees is the same text.
    expect(await termNames('tags', post.tags)).toEqual(
      ['Bins &amp; recycling', "Children's services", 'Roads', 'Straßenbau', '道路工事'].sort(),
    );
    const names = (await allTerms('tags')).map((t) => t.name.toLowerCase());
    expect(names.filter((n) => n === 'roads')).toHaveLength(1);
    // The ids are in the delivery's progress, so a retry makes none again and does not even look.
    const recorded = (progress.value as { terms: Record<string, number> }).terms;
    expect(Object.keys(recorded).sort()).toEqual(
      ['tags:bins & recycling', "tags:children's services", 'tags:roads', 'tags:straßenbau', 'tags:道路工事'].sort(),
    );
    expect(counting.calls.filter((c) => c === 'POST /tags')).toHaveLength(4);

    const again = countingFetch();
    const progressCopy = memoryProgress();
    progressCopy.value = { ...(progress.value as object), post: undefined, postRequested: false };
    await publish(src, { key: 'key-tags-2', progress: progressCopy, fetch: again.fetch });
    expect(again.calls.filter((c) => c.endsWith('/tags'))).toEqual([]);
    expect((await allTerms('tags')).length).toBe(names.length);
  });

  it('a lost answer while making a tag: the retry finds it (term_exists), no duplicate', async () => {
    const progress = memoryProgress();
    const dropping = droppingFetch(
      (url, init) => init?.method === 'POST' && new URL(url).pathname === '/wp-json/wp/v2/tags',
    );
    const src = source({ title: 'Parking permits', body: plainBody(), tags: ['Parking zones'] });
    const failure = await rejection(publish(src, { key: 'key-lost-tag', progress, fetch: dropping }));
    expect(failure.kind).toBe('retryable');
    expect(dropping.dropped).toBe(1);

    const result = await publish(src, { key: 'key-lost-tag', progress, attempt: 2 });
    const post = await rest<RestPost>(`/posts/${result.externalId}?context=edit`);
    expect(await termNames('tags', post.tags)).toEqual(['Parking zones']);
    const same = (await allTerms('tags')).filter((t) => t.name === 'Parking zones');
    expect(same).toHaveLength(1);
  });

  it('maps tags to categories by name or id, uses the default when none maps, and never makes one unasked', async () => {
    const roads = Number(site.php("echo wp_insert_term('Roads and transport', 'category')['term_id'];"));
    const general = Number(site.php("echo wp_insert_term('General news', 'category')['term_id'];"));
    const libraries = Number(site.php("echo wp_insert_term('Libraries', 'category')['term_id'];"));
    const settings = {
      categoryMap: `roads = Roads and transport; libraries = ${libraries}`,
      defaultCategory: 'General news',
    };

    const mapped = await publish(
      source({ title: 'Library and road news', body: plainBody(), tags: ['Roads', 'libraries', 'weekend'] }),
      { key: 'key-map' },
      settings,
    );
    const post = await rest<RestPost>(`/posts/${mapped.externalId}?context=edit`);
    expect(post.categories.sort()).toEqual([roads, libraries].sort());
    expect(await termNames('tags', post.tags)).toEqual(['Roads', 'libraries', 'weekend'].sort());

    const unmapped = await publish(
      source({ title: 'Weekend events', body: plainBody(), tags: ['weekend'] }),
      { key: 'key-default' },
      settings,
    );
    expect((await rest<RestPost>(`/posts/${unmapped.externalId}?context=edit`)).categories).toEqual([general]);

    const missing = await rejection(
      publish(
        source({ title: 'Bins', body: plainBody(), tags: ['bins'] }),
        { key: 'key-missing' },
        {
          categoryMap: 'bins = Waste collections',
        },
      ),
    );
    expect(missing).toEqual({
      kind: 'rejected',
      field: 'settings.categoryMap',
      message:
        'WordPress has no category "Waste collections" (the category for the tag "bins"). Make it in WordPress (Posts → Categories) and choose Retry, or change the channel\'s "Categories for tags".',
    });
    expect((await allTerms('categories')).map((c) => c.name)).not.toContain('Waste collections');
  });

  it('an Author may not make categories: a clear refusal; an Editor’s channel makes it once', async () => {
    const settings = { categoryMap: 'bins = Waste collections', createCategories: true };
    const src = source({ title: 'Bin day changes', body: plainBody(), tags: ['bins'] });
    const refused = await rejection(publish(src, { key: 'key-author-cat' }, settings));
    expect(refused.kind).toBe('rejected');
    expect(refused.kind === 'rejected' && refused.field).toBe('settings.categoryMap');
    expect(refused.message).toContain('the account "comms" may not make categories');
    expect(refused.message).toContain('only Editors and Administrators may');

    const made = await publish(src, { key: 'key-editor-cat', user: editor }, settings);
    const again = await publish(
      source({ title: 'More bin news', body: plainBody(), tags: ['Bins'] }),
      { key: 'key-editor-cat-2', user: editor },
      settings,
    );
    const waste = (await allTerms('categories')).filter((c) => c.name === 'Waste collections');
    expect(waste).toHaveLength(1);
    const asEditor = restReader(site, editor);
    for (const result of [made, again]) {
      const post = await asEditor<RestPost>(`/posts/${result.externalId}?context=edit`);
      expect(post.categories).toEqual([waste[0]?.id]);
    }
  });
});

describe('scheduled in WordPress (future posts)', () => {
  it('posts a future post with date_gmt, shown in London time in summer (BST) and winter (GMT)', async () => {
    const summer = await publish(
      source({ title: 'Summer fete', body: plainBody(), scheduledAt: '2027-07-01T10:00:00.000Z' }),
      { key: 'key-summer' },
      { scheduleInWordPress: true },
    );
    const winter = await publish(
      source({ title: 'Winter gritting', body: plainBody(), scheduledAt: '2028-01-15T08:30:00.000Z' }),
      { key: 'key-winter' },
      { scheduleInWordPress: true },
    );
    const s = await rest<RestPost>(`/posts/${summer.externalId}?context=edit`);
    expect(s.status).toBe('future');
    expect(s.date_gmt).toBe('2027-07-01T10:00:00');
    expect(s.date).toBe('2027-07-01T11:00:00');
    // The link the other channels get is where the post will be, not "?p=<id>".
    expect(summer.externalUrl).toBe(`${site.url}/summer-fete/`);
    expect(s.link).toContain('?p=');
    const w = await rest<RestPost>(`/posts/${winter.externalId}?context=edit`);
    expect(w.status).toBe('future');
    expect(w.date_gmt).toBe('2028-01-15T08:30:00');
    expect(w.date).toBe('2028-01-15T08:30:00');
    // Not public yet: a visitor cannot read it.
    expect((await fetch(`${site.url}/wp-json/wp/v2/posts/${summer.externalId}`)).status).toBe(401);

    // Retracting (cancelling the publication) moves the waiting post to the trash.
    await adapter.retract?.(
      ref(summer.externalId, 'key-summer'),
      publishContext(settingsFor(site, site.author), site.author.appPassword, source()),
    );
    expect((await rest<RestPost>(`/posts/${summer.externalId}?context=edit`)).status).toBe('trash');
  });

  it('without the setting, or when the time has passed, it publishes now', async () => {
    const off = await publish(
      source({ title: 'Scheduled by the queue', body: plainBody(), scheduledAt: '2027-07-01T10:00:00.000Z' }),
      { key: 'key-off' },
    );
    expect((await rest<RestPost>(`/posts/${off.externalId}?context=edit`)).status).toBe('publish');
    const late = await publish(
      source({ title: 'Approved late', body: plainBody(), scheduledAt: new Date(Date.now() - 1000).toISOString() }),
      { key: 'key-late' },
      { scheduleInWordPress: true },
    );
    expect((await rest<RestPost>(`/posts/${late.externalId}?context=edit`)).status).toBe('publish');
  });
});

describe('corrections after publishing', () => {
  it('updates the same post: new title, content and tags, same id and address', async () => {
    const updateId = crypto.randomUUID();
    const first = await publish(
      source({ updateId, title: 'Pool closes for repairs', body: plainBody('Closed until May.'), tags: ['leisure'] }),
      { key: 'key-correct-1' },
    );
    const corrected = await publish(
      source({
        updateId,
        revision: 2,
        contentHash: 'hash-2',
        title: 'Pool closes for repairs (corrected dates)',
        body: plainBody('Closed until June.'),
        tags: ['leisure', 'swimming'],
      }),
      { key: 'key-correct-2' },
    );
    expect(corrected.externalId).toBe(first.externalId);
    expect(corrected.externalUrl).toBe(first.externalUrl);
    const post = await rest<RestPost & { content: { raw: string } }>(`/posts/${first.externalId}?context=edit`);
    expect(post.title.raw).toBe('Pool closes for repairs (corrected dates)');
    expect(post.content.raw).toContain('Closed until June.');
    expect(await termNames('tags', post.tags)).toEqual(['leisure', 'swimming']);
    const all = await rest<RestPost[]>(`/posts?search=Pool%20closes&per_page=100&_fields=id`);
    expect(all).toHaveLength(1);
  });

  it('a correction of a post still waiting for its time moves it to the new time', async () => {
    const updateId = crypto.randomUUID();
    const first = await publish(
      source({ updateId, title: 'Carnival', body: plainBody(), scheduledAt: '2027-08-01T09:00:00.000Z' }),
      { key: 'key-future-1' },
      { scheduleInWordPress: true },
    );
    await publish(
      source({ updateId, revision: 2, title: 'Carnival', body: plainBody(), scheduledAt: '2027-08-02T09:00:00.000Z' }),
      { key: 'key-future-2' },
      { scheduleInWordPress: true },
    );
    const post = await rest<RestPost>(`/posts/${first.externalId}?context=edit`);
    expect(post.status).toBe('future');
    expect(post.date_gmt).toBe('2027-08-02T09:00:00');
    expect(post.date).toBe('2027-08-02T10:00:00');
  });
});
