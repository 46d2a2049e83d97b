import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settingsFields, settingsValues } from '../../../renderer/src/features/channels/settings-fields.ts';
import { renderWebsiteArticle } from '../../../shared/channels/render/website.ts';
import { carries, keyAttribute, wordpressContent } from '../../../electron/core/channels/wordpress/content.ts';
import { wordpressFetchError, wordpressHttpError } from '../../../electron/core/channels/wordpress/errors.ts';
import {
  categoryMapOf,
  defaultCategoryOf,
  WordPressSettings,
} from '../../../electron/core/channels/wordpress/settings.ts';
import { decodeTermName, searchTermFor } from '../../../electron/core/channels/wordpress/terms.ts';
import { postAddress, scheduledDateGmt } from '../../../electron/core/channels/wordpress/wordpress-adapter.ts';

/**
 * The WordPress channel's pure parts: settings, the post content and the
 * classification of answers a test site cannot be made to give (a rate
 * limit, a proxy's error page). The integration tests cover the answers a
 * real WordPress gives.
 */

const NOW = Date.parse('2026-07-01T09:00:00.000Z');

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } });
}

describe('WordPress settings', () => {
  const base = { username: 'comms' };

  it('needs https, except for a site on this machine', () => {
    expect(WordPressSettings.safeParse({ ...base, siteUrl: 'http://www.borsetshire.gov.uk' }).success).toBe(false);
    expect(WordPressSettings.parse({ ...base, siteUrl: 'https://www.borsetshire.gov.uk/news/' })).toEqual({
      siteUrl: 'https://www.borsetshire.gov.uk/news',
      username: 'comms',
      status: 'publish',
      categories: [],
      tags: [],
      tagsFromUpdate: true,
      categoryMap: '',
      defaultCategory: '',
      createCategories: false,
      scheduleInWordPress: false,
      timeoutMs: 30_000,
    });
    expect(WordPressSettings.parse({ ...base, siteUrl: 'http://127.0.0.1:8080' }).siteUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(WordPressSettings.parse({ ...base, siteUrl: 'http://localhost' }).siteUrl).toBe('http://localhost');
  });

  it('refuses addresses with credentials, a query or a fragment, a status other than publish or draft, and odd ids', () => {
    for (const siteUrl of [
      'https://user:pw@example.gov.uk',
      'https://example.gov.uk/?p=1',
      'https://example.gov.uk/#x',
      'ftp://example.gov.uk',
    ]) {
      expect(WordPressSettings.safeParse({ ...base, siteUrl }).success).toBe(false);
    }
    const siteUrl = 'https://example.gov.uk';
    expect(WordPressSettings.safeParse({ ...base, siteUrl, status: 'private' }).success).toBe(false);
    expect(WordPressSettings.safeParse({ ...base, siteUrl, categories: [0] }).success).toBe(false);
    expect(WordPressSettings.safeParse({ ...base, siteUrl, tags: [1.5] }).success).toBe(false);
    expect(WordPressSettings.safeParse({ siteUrl, username: ' ' }).success).toBe(false);
  });
});

describe('WordPress post content', () => {
  const article = renderWebsiteArticle({
    title: 'Bins & boxes',
    summary: 'From Monday.',
    body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello.' }] }] },
  });

  it('is the preview article without its <h1>, tagged with the update and the delivery key', () => {
    expect(article.html).toContain('<h1>Bins &amp; boxes</h1>');
    const content = wordpressContent(article.html, { updateId: 'u-1', idempotencyKey: 'key-1' });
    expect(content).toBe(
      '<article lang="en-GB" data-town-crier-update="u-1" data-town-crier-key="key-1">\n<p class="summary">From Monday.</p>\n<p>Hello.</p>\n</article>',
    );
    expect(carries(content, keyAttribute('key-1'))).toBe(true);
    expect(carries(content, keyAttribute('key-'))).toBe(false);
    expect(carries(undefined, keyAttribute('key-1'))).toBe(false);
  });

  it('escapes the marks, and wraps HTML that is not an article instead of losing them', () => {
    expect(wordpressContent('<p>x</p>', { updateId: 'u', idempotencyKey: 'a"b' })).toBe(
      '<div data-town-crier-update="u" data-town-crier-key="a&quot;b">\n<p>x</p>\n</div>',
    );
  });
});

describe('WordPress answers', () => {
  it('429 waits as long as Retry-After asks', async () => {
    const error = await wordpressHttpError(
      answer(
        429,
        { code: 'too_many_requests', message: 'Slow down.', data: { status: 429 } },
        { 'retry-after': '120' },
      ),
      'create the post',
      NOW,
    );
    expect(error.failure).toEqual({
      kind: 'retryable',
      offline: false,
      afterMs: 120_000,
      message: 'WordPress is limiting how fast Town Crier may call it (HTTP 429 too_many_requests: Slow down).',
    });
  });

  it('a proxy error page (502, HTML) is retryable with its text, without the markup', async () => {
    const error = await wordpressHttpError(
      new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502 }),
      'create the post',
      NOW,
    );
    expect(error.failure).toMatchObject({
      kind: 'retryable',
      message: 'WordPress had a problem and could not create the post (HTTP 502: 502 Bad Gateway).',
    });
  });

  it('403 rest_cannot_create asks for a role; 401 asks for a new password', async () => {
    const cannot = await wordpressHttpError(
      answer(403, {
        code: 'rest_cannot_create',
        message: 'Sorry, you are not allowed to create posts as this user.',
        data: { status: 403 },
      }),
      'create the post',
      NOW,
    );
    expect(cannot.failure).toMatchObject({ kind: 'auth', message: expect.stringContaining('Author role') });
    const wrong = await wordpressHttpError(
      answer(401, {
        code: 'incorrect_password',
        message: 'The provided password is an invalid application password.',
        data: { status: 401 },
      }),
      'create the post',
      NOW,
    );
    expect(wrong.failure).toMatchObject({ kind: 'auth', message: expect.stringContaining('new application password') });
  });

  it('rest_invalid_param names the field in Town Crier terms', async () => {
    const error = await wordpressHttpError(
      answer(400, {
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): categories',
        data: { status: 400, params: { categories: 'categories[0] is not of type integer.' } },
      }),
      'create the post',
      NOW,
    );
    expect(error.failure).toEqual({
      kind: 'rejected',
      field: 'settings.categories',
      message: 'WordPress refused the post: "categories" is not valid (categories[0] is not of type integer.).',
    });
  });

  it('a timeout while creating the post is an unknown outcome; while uploading an image it is retryable', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(wordpressFetchError(timeout, true).failure.kind).toBe('unknown_outcome');
    expect(wordpressFetchError(timeout, false).failure).toMatchObject({ kind: 'retryable', offline: false });
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    expect(wordpressFetchError(refused, true).failure).toMatchObject({ kind: 'retryable', offline: true });
  });
});

describe('Connect a channel for WordPress', () => {
  it('the settings make a form: address, username, publish/draft, tags, categories, scheduling, fallback and timeout', () => {
    const schema = z.toJSONSchema(WordPressSettings, { io: 'input', unrepresentable: 'any' });
    const fields = settingsFields(schema);
    expect(fields.map((f) => [f.name, f.type, f.required, f.defaultValue])).toEqual([
      ['siteUrl', 'text', true, undefined],
      ['username', 'text', true, undefined],
      ['status', 'select', false, 'publish'],
      ['tagsFromUpdate', 'checkbox', false, true],
      ['categoryMap', 'text', false, ''],
      ['defaultCategory', 'text', false, ''],
      ['createCategories', 'checkbox', false, false],
      ['scheduleInWordPress', 'checkbox', false, false],
      ['fallbackUrl', 'text', false, undefined],
      ['timeoutMs', 'number', false, 30_000],
    ]);
    expect(fields.find((f) => f.name === 'status')?.options).toEqual(['publish', 'draft']);
    expect(fields.find((f) => f.name === 'siteUrl')?.hint).toContain('https://www.borsetshire.gov.uk');
    expect(fields.find((f) => f.name === 'fallbackUrl')?.hint).toContain('if the website post is cancelled');
    expect(fields.find((f) => f.name === 'scheduleInWordPress')?.label).toBe(
      'Let WordPress publish it at the scheduled time',
    );
    expect(fields.find((f) => f.name === 'categoryMap')?.label).toBe('Categories for tags');
    const { values, errors } = settingsValues(fields, {
      siteUrl: 'https://www.borsetshire.gov.uk',
      username: 'comms',
      status: 'draft',
    });
    expect(errors).toEqual({});
    // Checkboxes left alone keep their defaults: tags on, WordPress scheduling off.
    expect(values).toMatchObject({ tagsFromUpdate: true, createCategories: false, scheduleInWordPress: false });
    expect(
      settingsValues(fields, { siteUrl: 'https://a.gov.uk', username: 'c', tagsFromUpdate: false }).values,
    ).toMatchObject({ tagsFromUpdate: false });
    expect(WordPressSettings.parse(values)).toMatchObject({ status: 'draft', username: 'comms' });
  });
});

describe('categories, tags and scheduling (pure parts)', () => {
  const base = { siteUrl: 'https://www.borsetshire.gov.uk', username: 'comms' };

  it('reads the category map: names or ids per tag, tags in any case, bad entries refused with the entry', () => {
    const map = categoryMapOf('Roads = Roads & transport; libraries=12 ; Défi = Défis locaux;');
    expect([...map.entries()]).toEqual([
      ['roads', { name: 'Roads & transport' }],
      ['libraries', { id: 12 }],
      ['défi', { name: 'Défis locaux' }],
    ]);
    expect(defaultCategoryOf('')).toBeUndefined();
    expect(defaultCategoryOf(' 7 ')).toEqual({ id: 7 });
    const refused = (categoryMap: string) =>
      WordPressSettings.safeParse({ ...base, categoryMap }).error?.issues.map((i) => i.message);
    expect(refused('roads Roads')).toEqual([
      '"roads Roads" should read "tag = category", like "roads = Roads and transport"',
    ]);
    expect(refused('roads = ')).toEqual(['Give a category name or id for the tag "roads"']);
    expect(refused('a = b = c')).toEqual([
      '"a = b = c" should read "tag = category", like "roads = Roads and transport"',
    ]);
    expect(refused('<b> = Roads')).toEqual(['"<b>" is not a tag (letters, digits, spaces, & \' -)']);
    expect(refused('roads = Roads; bins = 3')).toBeUndefined();
  });

  it('finds term names as WordPress stores them (escaped) and searches with a part it can match', () => {
    expect(decodeTermName('Bins &amp; recycling')).toBe('Bins & recycling');
    expect(decodeTermName('Children&#039;s services &#x1F389;')).toBe("Children's services 🎉");
    expect(decodeTermName('&bogus; &#0;')).toBe('&bogus; &#0;');
    expect(searchTermFor('Bins & recycling')).toBe('recycling');
    expect(searchTermFor("Children's services")).toBe('s services');
    expect(searchTermFor('道路工事')).toBe('道路工事');
  });

  it('schedules in WordPress only when asked and the time is more than a minute ahead, in UTC', () => {
    const now = new Date('2027-06-30T12:00:00.000Z');
    const on = { scheduleInWordPress: true };
    expect(scheduledDateGmt(on, '2027-07-01T10:00:00.000Z', now)).toBe('2027-07-01T10:00:00');
    expect(scheduledDateGmt(on, '2027-06-30T12:00:30.000Z', now)).toBeUndefined();
    expect(scheduledDateGmt(on, undefined, now)).toBeUndefined();
    expect(scheduledDateGmt({ scheduleInWordPress: false }, '2027-07-01T10:00:00.000Z', now)).toBeUndefined();
  });

  it('a scheduled post is linked at the address it will have, not ?p=<id>', () => {
    const post = {
      link: 'https://www.borsetshire.gov.uk/?p=12',
      status: 'future',
      slug: 'summer-fete',
      permalink_template: 'https://www.borsetshire.gov.uk/%postname%/',
    };
    expect(postAddress(post)).toBe('https://www.borsetshire.gov.uk/summer-fete/');
    expect(postAddress({ ...post, status: 'publish', link: 'https://www.borsetshire.gov.uk/summer-fete/' })).toBe(
      'https://www.borsetshire.gov.uk/summer-fete/',
    );
    expect(postAddress({ ...post, permalink_template: 'https://www.borsetshire.gov.uk/?p=12' })).toBe(post.link);
  });
});
