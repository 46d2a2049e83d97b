import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelError } from '../../../electron/core/channels/adapter.ts';
import { renderAtom, renderJsonFeed, renderRss } from '../../../electron/core/channels/static-site/feeds.ts';
import { parseManifest } from '../../../electron/core/channels/static-site/manifest.ts';
import { StaticSiteSettings } from '../../../electron/core/channels/static-site/settings.ts';
import { siteFiles } from '../../../electron/core/channels/static-site/site-writer.ts';
import { renderVariant } from '../../../shared/channels/variants.ts';
import {
  adapter,
  clock,
  PNG,
  PNG_ID,
  publish,
  publishContext,
  ref,
  settingsFor,
  source,
  tempFolders,
} from './static-site-fixtures.ts';
import { mkdirSync, writeFileSync } from 'node:fs';

const folders: ReturnType<typeof tempFolders>[] = [];
afterEach(() => folders.splice(0).forEach((f) => f.dispose()));

function site() {
  const f = tempFolders();
  folders.push(f);
  mkdirSync(f.site);
  mkdirSync(f.outside);
  return { ...f, settings: settingsFor(f.site) };
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every file under a folder, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('static site: settings', () => {
  it('asks for an absolute folder and an https address (http only for localhost), with en-GB by default', () => {
    const ok = StaticSiteSettings.parse({
      folder: '/srv/news',
      siteUrl: 'https://example.gov.uk/news/',
      siteTitle: 'X',
    });
    expect(ok).toEqual({
      folder: '/srv/news',
      siteUrl: 'https://example.gov.uk/news',
      siteTitle: 'X',
      language: 'en-GB',
    });
    expect(StaticSiteSettings.safeParse({ ...ok, folder: 'news' }).success).toBe(false);
    expect(StaticSiteSettings.safeParse({ ...ok, siteUrl: 'http://example.gov.uk' }).success).toBe(false);
    expect(StaticSiteSettings.safeParse({ ...ok, siteUrl: 'http://localhost:8080' }).success).toBe(true);
    expect(StaticSiteSettings.safeParse({ ...ok, siteUrl: 'ftp://example.gov.uk' }).success).toBe(false);
  });

  it('declares itself as an idempotent website channel', () => {
    expect(adapter.kind).toBe('website.static');
    expect(adapter.displayName).toBe('Website (static files)');
    expect(adapter.limits.contentKind).toBe('website');
    expect(adapter.idempotent).toBe(true);
  });
});

describe('static site: publish', () => {
  it('writes the page, the copied image, the index, three feeds and the manifest, and returns the address', async () => {
    const s = site();
    const result = await publish(s.settings, source());
    expect(result).toEqual({
      externalId: 'bin-collections-change',
      externalUrl: 'https://news.example.gov.uk/news/bin-collections-change/',
    });
    expect(tree(s.site)).toEqual([
      'assets/site.css',
      'atom.xml',
      'feed.json',
      'feed.xml',
      'index.html',
      `media/${PNG_ID}.png`,
      'news/bin-collections-change/index.html',
      'town-crier-site.json',
    ]);
    expect(readFileSync(join(s.site, `media/${PNG_ID}.png`))).toEqual(PNG);

    const page = read(s.site, 'news/bin-collections-change/index.html');
    expect(page.startsWith('<!doctype html>\n<html lang="en-GB">')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<title>Bin collections change – Borsetshire Council</title>');
    expect(page).toContain('<a class="skip-link" href="#main">Skip to main content</a>');
    expect(page).toContain('<main id="main"');
    expect(page).toContain('<footer class="site-footer">');
    expect(page).toContain('<link rel="stylesheet" href="../../assets/site.css">');
    expect(page).toContain(`<img src="../../media/${PNG_ID}.png" alt="A green wheelie bin at the kerb">`);
    expect(page).not.toMatch(/<script|style=/);
    expect(read(s.site, 'index.html')).toContain('<a href="news/bin-collections-change/">Bin collections change</a>');
  });

  it('writes exactly the compose preview article, with the website variant title', async () => {
    const s = site();
    const src = source({ variants: { website: { title: 'Green bins: new day' } } });
    const result = await publish(s.settings, src);
    expect(result.externalId).toBe('green-bins-new-day');
    const preview = renderVariant('website', src, src.variants, {
      organisationName: 'Borsetshire Council',
      imageSrc: (id) => `../../media/${id}.png`,
    });
    if (preview.kind !== 'website') throw new Error('expected the website variant');
    const page = read(s.site, 'news/green-bins-new-day/index.html');
    expect(page).toContain(preview.article.html);
    expect(page).toContain('<h1>Green bins: new day</h1>');
    expect(adapter.render(src).title).toBe('Green bins: new day');
  });

  it('re-publishing the same update replaces its page, keeps its address and first date, and never duplicates', async () => {
    const s = site();
    const time = clock();
    await publish(s.settings, source(), { now: time.now });
    time.advance(3_600_000);
    const again = await publish(
      s.settings,
      source({
        revision: 2,
        contentHash: 'hash-2',
        title: 'Bin collections change (corrected)',
        summary: 'Wednesdays.',
      }),
      { now: time.now, key: 'key-2' },
    );
    expect(again.externalId).toBe('bin-collections-change');
    expect(readdirSync(join(s.site, 'news'))).toEqual(['bin-collections-change']);
    const page = read(s.site, 'news/bin-collections-change/index.html');
    expect(page).toContain('<h1>Bin collections change (corrected)</h1>');
    expect(page).toContain('Updated <time datetime="2026-07-01T10:00:00.000Z">');
    const manifest = parseManifest(read(s.site, 'town-crier-site.json'));
    expect(manifest.items).toHaveLength(1);
    expect(manifest.items[0]).toMatchObject({
      id: 'update-1',
      published: '2026-07-01T09:00:00.000Z',
      updated: '2026-07-01T10:00:00.000Z',
      deliveryKeys: ['key-1', 'key-2'],
    });
    expect(list(xml.parse(read(s.site, 'feed.xml')).rss.channel.item)).toHaveLength(1);
  });

  it('sending the same delivery twice gives the same bytes (why it is idempotent)', async () => {
    const s = site();
    const time = clock();
    await publish(s.settings, source(), { now: time.now });
    const before = tree(s.site).map((p) => [p, read(s.site, p)]);
    time.advance(60_000);
    await publish(s.settings, source(), { now: time.now });
    expect(tree(s.site).map((p) => [p, read(s.site, p)])).toEqual(before);
  });

  it('gives a colliding title of another update a suffix', async () => {
    const s = site();
    const time = clock();
    await publish(s.settings, source(), { now: time.now });
    time.advance(1000);
    const second = await publish(s.settings, source({ updateId: 'update-2' }), { now: time.now, key: 'key-2' });
    time.advance(1000);
    const third = await publish(s.settings, source({ updateId: 'update-3' }), { now: time.now, key: 'key-3' });
    expect([second.externalId, third.externalId]).toEqual(['bin-collections-change-2', 'bin-collections-change-3']);
    const index = read(s.site, 'index.html');
    // Newest first.
    expect(index.indexOf('news/bin-collections-change-3/')).toBeLessThan(
      index.indexOf('news/bin-collections-change-2/'),
    );
    expect(index.indexOf('news/bin-collections-change-2/')).toBeLessThan(index.indexOf('news/bin-collections-change/'));
  });

  it('refuses an image that is not in the store, as a permanent rejection', async () => {
    const s = site();
    const error = await publish(s.settings, source(), { media: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).failure).toMatchObject({ kind: 'rejected' });
    expect((error as ChannelError).message).toMatch(/image .* no longer in Town Crier/);
  });

  it('refuses a damaged manifest instead of overwriting it', async () => {
    const s = site();
    writeFileSync(join(s.site, 'town-crier-site.json'), '{"version": 1, "items": "nope"}');
    const error = await publish(s.settings, source()).catch((e: unknown) => e);
    expect((error as ChannelError).failure).toMatchObject({ kind: 'rejected' });
    expect((error as ChannelError).message).toMatch(/town-crier-site\.json .* is damaged/);
    expect(read(s.site, 'town-crier-site.json')).toBe('{"version": 1, "items": "nope"}');
  });

  it('reports a missing folder plainly', async () => {
    const s = site();
    const error = await publish(settingsFor(join(s.site, 'gone')), source()).catch((e: unknown) => e);
    expect((error as ChannelError).failure).toMatchObject({ kind: 'rejected' });
    expect((error as ChannelError).message).toMatch(/site folder .*gone does not exist/);
  });
});

describe('static site: retract, look-up and test connection', () => {
  it('retract removes the page and its folder and rebuilds the index and feeds', async () => {
    const s = site();
    const time = clock();
    await publish(s.settings, source(), { now: time.now });
    time.advance(1000);
    await publish(s.settings, source({ updateId: 'update-2', title: 'Library hours' }), { now: time.now, key: 'k2' });
    time.advance(1000);
    await adapter.retract?.(ref('bin-collections-change'), publishContext(s.settings, source(), { now: time.now }));
    expect(existsSync(join(s.site, 'news/bin-collections-change'))).toBe(false);
    expect(readdirSync(join(s.site, 'news'))).toEqual(['library-hours']);
    for (const file of ['index.html', 'feed.xml', 'atom.xml', 'feed.json', 'town-crier-site.json']) {
      expect(read(s.site, file)).not.toContain('bin-collections-change');
      expect(read(s.site, file)).toContain('library-hours');
    }
    expect(parseManifest(read(s.site, 'town-crier-site.json')).updated).toBe('2026-07-01T09:00:02.000Z');
    const ctx = publishContext(s.settings, source());
    expect(await adapter.lookup?.(ref('bin-collections-change'), ctx)).toEqual({ state: 'absent' });
    // Retracting again changes nothing and does not fail.
    await adapter.retract?.(ref('bin-collections-change'), ctx);
  });

  it('lookup finds a page by its slug, or by the delivery key when the answer was lost', async () => {
    const s = site();
    await publish(s.settings, source(), { key: 'lost-answer' });
    const ctx = publishContext(s.settings, source());
    const found = {
      state: 'published',
      externalId: 'bin-collections-change',
      externalUrl: 'https://news.example.gov.uk/news/bin-collections-change/',
    };
    expect(await adapter.lookup?.(ref('bin-collections-change'), ctx)).toEqual(found);
    expect(await adapter.lookup?.(ref(null, 'lost-answer'), ctx)).toEqual(found);
    expect(await adapter.lookup?.(ref(null, 'another-key'), ctx)).toEqual({ state: 'absent' });
  });

  it('test connection checks the folder exists, is a folder and is writable, leaving nothing behind', async () => {
    const s = site();
    const ok = await adapter.test(publishContext(s.settings, source()));
    expect(ok).toEqual({ ok: true, account: 'https://news.example.gov.uk' });
    expect(readdirSync(s.site)).toEqual([]);
    const missing = await adapter.test(publishContext(settingsFor(join(s.site, 'nope')), source()));
    expect(missing).toMatchObject({ ok: false, message: expect.stringMatching(/does not exist/) });
    writeFileSync(join(s.site, 'a-file'), 'x');
    const file = await adapter.test(publishContext(settingsFor(join(s.site, 'a-file')), source()));
    expect(file).toMatchObject({ ok: false, message: expect.stringMatching(/is a file, not a folder/) });
  });
});

describe('static site: feeds', () => {
  async function publishedSite() {
    const s = site();
    const time = clock();
    await publish(s.settings, source(), { now: time.now });
    time.advance(86_400_000);
    await publish(
      s.settings,
      source({ updateId: 'update-2', title: 'Fish & chips <night> ]]> at the hall', summary: 'Tickets: £5 "each"' }),
      { now: time.now, key: 'k2' },
    );
    return s;
  }

  it('RSS 2.0 parses and carries the required channel and item elements, newest first', async () => {
    const s = await publishedSite();
    const doc = xml.parse(read(s.site, 'feed.xml'));
    expect(doc.rss['@version']).toBe('2.0');
    const channel = doc.rss.channel;
    expect(channel.title).toBe('Borsetshire Council');
    expect(channel.link).toBe('https://news.example.gov.uk/');
    expect(channel.description).toBeTruthy();
    expect(channel.language).toBe('en-GB');
    const items = list(channel.item);
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.title).toBeTruthy();
      expect(item.link).toMatch(/^https:\/\/news\.example\.gov\.uk\/news\/[a-z0-9-]+\/$/);
      expect(item.guid['#text']).toBe(item.link);
      expect(new Date(item.pubDate).toString()).not.toBe('Invalid Date');
    }
    expect(items[0].title).toBe('Fish &amp; chips &lt;night&gt; ]]&gt; at the hall');
    expect(items[0].pubDate).toBe('Thu, 02 Jul 2026 09:00:00 GMT');
    expect(items[1]['content:encoded']).toContain(`src="https://news.example.gov.uk/media/${PNG_ID}.png"`);
  });

  it('Atom parses and carries feed id/title/updated and entry id/title/updated/link', async () => {
    const s = await publishedSite();
    const feed = xml.parse(read(s.site, 'atom.xml')).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('https://news.example.gov.uk/');
    expect(feed.title).toBe('Borsetshire Council');
    expect(feed.updated).toBe('2026-07-02T09:00:00.000Z');
    expect(feed.author.name).toBe('Borsetshire Council');
    const entries = list(feed.entry);
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.id).toMatch(/^https:\/\/news\.example\.gov\.uk\/news\//);
      expect(entry.title['#text']).toBeTruthy();
      expect(entry.updated).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(list(entry.link)[0]['@href']).toBe(entry.id);
    }
  });

  it('JSON Feed 1.1 parses and carries version, title and items with id, url and content_html', async () => {
    const s = await publishedSite();
    const feed = JSON.parse(read(s.site, 'feed.json')) as Record<string, unknown> & {
      items: Record<string, unknown>[];
    };
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('Borsetshire Council');
    expect(feed.home_page_url).toBe('https://news.example.gov.uk/');
    expect(feed.feed_url).toBe('https://news.example.gov.uk/feed.json');
    expect(feed.items).toHaveLength(2);
    for (const item of feed.items) {
      expect(item.id).toEqual(item.url);
      expect(typeof item.content_html).toBe('string');
      expect(item.date_published).toMatch(/Z$/);
    }
    expect(feed.items[0]?.title).toBe('Fish & chips <night> ]]> at the hall');
  });

  it('is byte-stable: rendering the same manifest twice gives identical bytes', async () => {
    const s = await publishedSite();
    const manifest = parseManifest(read(s.site, 'town-crier-site.json'));
    const once = siteFiles(s.settings, manifest);
    const twice = siteFiles(s.settings, parseManifest(read(s.site, 'town-crier-site.json')));
    expect(twice).toEqual(once);
    // And what is on disk is exactly what the manifest renders to.
    for (const [path, content] of once) expect(read(s.site, path)).toBe(content);
    expect(renderRss(s.settings, manifest)).toBe(renderRss(s.settings, manifest));
    expect(renderAtom(s.settings, manifest)).toBe(renderAtom(s.settings, manifest));
    expect(renderJsonFeed(s.settings, manifest)).toBe(renderJsonFeed(s.settings, manifest));
  });
});

describe('static site: the update’s tags', () => {
  it('lists the tags on the page and carries them in RSS <category>, Atom <category> and JSON Feed tags, byte-stable', async () => {
    const s = site();
    const time = clock();
    const tags = ['roads', 'Straßenbau', 'Fish & chips', 'ROADS', ' 道路 '];
    await publish(s.settings, source({ tags }), { now: time.now });

    const page = read(s.site, 'news/bin-collections-change/index.html');
    expect(page).toContain(
      '<h2 class="tags-heading">Topics</h2>\n<ul class="tags">\n<li>roads</li>\n<li>Straßenbau</li>\n<li>Fish &amp; chips</li>\n<li>道路</li>\n</ul>',
    );
    const rss = list(xml.parse(read(s.site, 'feed.xml')).rss.channel.item)[0];
    expect(list(rss.category)).toEqual(['roads', 'Straßenbau', 'Fish & chips', '道路']);
    expect(read(s.site, 'feed.xml')).toContain('<category>Fish &amp; chips</category>');
    const atom = list(xml.parse(read(s.site, 'atom.xml')).feed.entry)[0];
    expect(list(atom.category).map((c: Record<string, string>) => [c['@term'], c['@label']])).toEqual([
      ['roads', 'roads'],
      ['Straßenbau', 'Straßenbau'],
      ['Fish & chips', 'Fish & chips'],
      ['道路', '道路'],
    ]);
    expect(read(s.site, 'atom.xml')).toContain('<category label="Fish &amp; chips" term="Fish &amp; chips"/>');
    const json = JSON.parse(read(s.site, 'feed.json')) as { items: { tags?: string[] }[] };
    expect(json.items[0]?.tags).toEqual(['roads', 'Straßenbau', 'Fish & chips', '道路']);

    // The same manifest renders to the same bytes, tags included.
    const manifest = parseManifest(read(s.site, 'town-crier-site.json'));
    expect(manifest.items[0]?.tags).toEqual(['roads', 'Straßenbau', 'Fish & chips', '道路']);
    for (const [path, content] of siteFiles(s.settings, manifest)) expect(read(s.site, path)).toBe(content);

    // A correction that changes only the tags is a change: "Updated" appears and the feeds' dates move.
    time.advance(3_600_000);
    await publish(s.settings, source({ tags: ['roads'] }), { now: time.now, key: 'k-correction' });
    const corrected = parseManifest(read(s.site, 'town-crier-site.json')).items[0];
    expect(corrected?.tags).toEqual(['roads']);
    expect(corrected?.updated).not.toBe(corrected?.published);
    expect(read(s.site, 'news/bin-collections-change/index.html')).toContain('Updated');
  });

  it('an update without tags writes no tag markup and the same manifest as before tags existed', async () => {
    const s = site();
    await publish(s.settings, source(), { now: clock().now });
    expect(read(s.site, 'news/bin-collections-change/index.html')).not.toContain('class="tags"');
    expect(read(s.site, 'town-crier-site.json')).not.toContain('"tags"');
    expect(read(s.site, 'feed.xml')).not.toContain('<category');
    expect(read(s.site, 'feed.json')).not.toContain('"tags"');
  });
});
