import { escapeHtml } from '../../../../shared/content/render.ts';
import { FEED_FILES } from './feeds.ts';
import { sortItems, type SiteItem, type SiteManifest } from './manifest.ts';
import type { StaticSiteSettings } from './settings.ts';

/**
 * The HTML around the article: a complete, accessible document (language,
 * title, skip link, landmarks) with one shared stylesheet and no inline
 * style or script, so a strict Content-Security-Policy on the web server
 * breaks nothing. Links are relative, so the folder works wherever it is
 * served (and opened straight from disk).
 */

export const STYLESHEET_FILE = 'assets/site.css';

type SiteMeta = Pick<StaticSiteSettings, 'siteTitle' | 'language'>;

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});

function timeElement(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(DATE_FORMAT.format(new Date(iso)))}</time>`;
}

/** `<head>` to `<main>`: `root` is the relative way back to the site folder ("" or "../../"). */
function documentStart(site: SiteMeta, pageTitle: string, root: string, extraHead: string[]): string {
  const home = root || './';
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(site.language)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(pageTitle)}</title>`,
    ...extraHead,
    `<link rel="stylesheet" href="${root}${STYLESHEET_FILE}">`,
    `<link rel="alternate" type="application/rss+xml" title="${escapeHtml(site.siteTitle)} (RSS)" href="${root}${FEED_FILES.rss}">`,
    `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(site.siteTitle)} (Atom)" href="${root}${FEED_FILES.atom}">`,
    `<link rel="alternate" type="application/feed+json" title="${escapeHtml(site.siteTitle)} (JSON Feed)" href="${root}${FEED_FILES.json}">`,
    '</head>',
    '<body>',
    '<a class="skip-link" href="#main">Skip to main content</a>',
    '<header class="site-header">',
    `<p class="site-title"><a href="${home}">${escapeHtml(site.siteTitle)}</a></p>`,
    '</header>',
    '<main id="main" tabindex="-1">',
  ].join('\n');
}

function documentEnd(site: SiteMeta, root: string): string {
  const home = root || './';
  return [
    '</main>',
    '<footer class="site-footer">',
    `<p><a href="${home}">All news from ${escapeHtml(site.siteTitle)}</a></p>`,
    `<p>Follow updates: <a href="${root}${FEED_FILES.rss}">RSS</a>, <a href="${root}${FEED_FILES.atom}">Atom</a>, <a href="${root}${FEED_FILES.json}">JSON Feed</a></p>`,
    '</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export type ArticlePage = {
  title: string;
  summary: string;
  /** The article exactly as `renderVariant('website', …)` gives it, images pointing at ../../media/. */
  articleHtml: string;
  /** The update's tags, listed under the article. */
  tags: readonly string[];
  url: string;
  published: string;
  updated: string;
};

/** `news/<slug>/index.html`: the article, with when it was published (and corrected) below it. */
export function renderArticlePage(site: SiteMeta, page: ArticlePage): string {
  const root = '../../';
  const head = [
    ...(page.summary ? [`<meta name="description" content="${escapeHtml(page.summary)}">`] : []),
    `<link rel="canonical" href="${escapeHtml(page.url)}">`,
  ];
  const dates =
    page.updated === page.published
      ? `<p class="dates">Published ${timeElement(page.published)}</p>`
      : `<p class="dates">Published ${timeElement(page.published)}. Updated ${timeElement(page.updated)}.</p>`;
  const tags = page.tags.length
    ? [
        '<h2 class="tags-heading">Topics</h2>',
        '<ul class="tags">',
        ...page.tags.map((tag) => `<li>${escapeHtml(tag)}</li>`),
        '</ul>',
      ]
    : [];
  return [
    documentStart(site, `${page.title} – ${site.siteTitle}`, root, head),
    page.articleHtml,
    ...tags,
    dates,
    documentEnd(site, root),
  ].join('\n');
}

function indexEntry(item: SiteItem): string {
  return [
    '<li>',
    `<h2><a href="news/${escapeHtml(item.slug)}/">${escapeHtml(item.title)}</a></h2>`,
    `<p class="dates">${timeElement(item.published)}</p>`,
    ...(item.summary ? [`<p>${escapeHtml(item.summary)}</p>`] : []),
    '</li>',
  ].join('\n');
}

/** `index.html`: every published update, newest first. */
export function renderIndexPage(site: SiteMeta, manifest: SiteManifest): string {
  const items = sortItems(manifest.items);
  const list = items.length
    ? ['<ul class="updates">', ...items.map(indexEntry), '</ul>'].join('\n')
    : '<p>Nothing has been published yet.</p>';
  return [documentStart(site, `News – ${site.siteTitle}`, '', []), '<h1>News</h1>', list, documentEnd(site, '')].join(
    '\n',
  );
}

/** `assets/site.css`: readable defaults, contrast above 4.5:1, a visible focus ring and a skip link. */
export const SITE_CSS = `:root { color-scheme: light; }
body { margin: 0; font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; background: #ffffff; }
a { color: #1d4f91; }
a:hover { color: #0b2c57; }
:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.skip-link { position: absolute; left: -9999px; top: 0; padding: 0.5rem 1rem; background: #1b1b1b; color: #ffffff; }
.skip-link:focus { left: 0; }
.site-header, .site-footer { padding: 1rem; background: #f3f2f1; }
.site-title { margin: 0; font-size: 1.25rem; font-weight: 700; }
.site-title a { color: #1b1b1b; text-decoration: none; }
main { display: block; max-width: 42rem; margin: 0 auto; padding: 1rem; }
main:focus { outline: none; }
.summary { font-size: 1.2rem; }
.dates { color: #505a5f; }
figure { margin: 1.5rem 0; }
img { max-width: 100%; height: auto; }
figcaption { color: #505a5f; font-size: 0.9rem; }
blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 4px solid #b1b4b6; }
.updates { list-style: none; padding: 0; }
.updates li { border-bottom: 1px solid #b1b4b6; padding: 0.5rem 0; }
.updates h2 { margin: 0.5rem 0 0; font-size: 1.25rem; }
.tags-heading { margin: 1.5rem 0 0.25rem; font-size: 1rem; }
.tags { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.tags li { padding: 0.125rem 0.625rem; border: 1px solid #505a5f; border-radius: 1rem; font-size: 0.9rem; }
`;
