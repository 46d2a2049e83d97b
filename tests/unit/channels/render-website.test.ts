import { describe, expect, it } from 'vitest';
import { renderWebsiteArticle, slugify } from '../../../shared/channels/render/website.ts';
import { paragraphs, roadClosure } from './render-fixtures.ts';

describe('renderWebsiteArticle', () => {
  it('renders an accessible article: language, one h1, the summary, then the body', () => {
    const article = renderWebsiteArticle(roadClosure());
    expect(article.html).toBe(
      [
        '<article lang="en-GB">',
        '<h1>A6 closed this weekend</h1>',
        '<p class="summary">The A6 is closed from 9pm Friday to 6am Monday.</p>',
        '<h2>What is happening</h2>',
        '<p>The A6 is closed. See <a href="https://www.stockport.gov.uk/map">the diversion map</a> for details.</p>',
        '<ul><li><p>Buses: <a href="https://tfgm.com/">timetables</a></p></li><li><p>Bins as normal</p></li></ul>',
        '<blockquote><p>Sorry for the delay</p></blockquote>',
        '</article>',
      ].join('\n'),
    );
    expect(article.html.match(/<h1>/g)).toHaveLength(1);
    expect(article).toMatchObject({
      title: 'A6 closed this weekend',
      excerpt: 'The A6 is closed from 9pm Friday to 6am Monday.',
      slug: 'a6-closed-this-weekend',
    });
  });

  it('escapes a script in the title and summary', () => {
    const article = renderWebsiteArticle(roadClosure({ title: '<script>alert(1)</script>', summary: 'a "b" & c' }));
    expect(article.html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(article.html).toContain('a &quot;b&quot; &amp; c');
    expect(article.html).not.toContain('<script>');
  });

  it('takes the excerpt from the body when there is no summary, and leaves out the empty summary', () => {
    const article = renderWebsiteArticle({
      title: 'Bins',
      summary: ' ',
      body: paragraphs('Collections move to Tuesday.'),
    });
    expect(article.excerpt).toBe('Collections move to Tuesday.');
    expect(article.html).not.toContain('class="summary"');
  });

  it('shows the publication date in UK time when given', () => {
    const article = renderWebsiteArticle(roadClosure(), { publishedAt: '2025-03-31T23:30:00Z' });
    // 23:30 UTC on 31 March is 00:30 BST on 1 April.
    expect(article.html).toContain('<time datetime="2025-03-31T23:30:00.000Z">1 April 2025</time>');
  });

  it('is deterministic', () => {
    expect(renderWebsiteArticle(roadClosure())).toEqual(renderWebsiteArticle(roadClosure()));
  });
});

describe('slugify', () => {
  it.each([
    ['A6 closed this weekend', 'a6-closed-this-weekend'],
    ['Café opening: Mon–Fri!', 'cafe-opening-mon-fri'],
    ["Residents' parking & permits", 'residents-parking-and-permits'],
    ['../../etc/passwd', 'etc-passwd'],
    ['a..b/c', 'a-b-c'],
    ['', 'update'],
    ['🎉🎉', 'update'],
    ['図書館', 'update'],
  ])('%j → %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('cuts a long title at a hyphen, at 80 characters or fewer', () => {
    const slug = slugify('Temporary closure of the footpath between '.repeat(5));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug).toBe('temporary-closure-of-the-footpath-between-temporary-closure-of-the-footpath');
    expect(slugify('x'.repeat(200))).toBe('x'.repeat(80));
  });

  it('only ever uses lowercase ASCII letters, digits and single hyphens', () => {
    for (const title of ['Ünïcödé ÀÉÎ', '  --a--b--  ', 'Ⅻ ﬁne', 'a/b\\c..d']) {
      expect(slugify(title)).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    }
  });
});
