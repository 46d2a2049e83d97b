import { describe, expect, it } from 'vitest';
import { measure } from '../../../shared/channels/limits.ts';
import { normaliseHashtag, renderSocialPost, socialText } from '../../../shared/channels/render/social.ts';
import { stripThreadSuffix } from '../../../shared/channels/thread.ts';
import { paragraphs, roadClosure } from './render-fixtures.ts';

const URL = 'https://www.stockport.gov.uk/news/a6-closed';

describe('renderSocialPost', () => {
  it('builds the post from the title, the summary, the website link and the hashtags', () => {
    const post = renderSocialPost('x', roadClosure(), { websiteUrl: URL, hashtags: ['Stockport', '#A6 Closure'] });
    expect(post.text).toBe(
      `A6 closed this weekend\n\nThe A6 is closed from 9pm Friday to 6am Monday.\n\n${URL}\n\n#Stockport #A6Closure`,
    );
    expect(post.posts).toEqual([post.text]);
    // 22 + 2 + 47 + 2 + 23 (the link) + 2 + 21.
    expect(post.measure).toMatchObject({ used: 119, limit: 280, ok: true });
  });

  it('uses the start of the body when there is no summary, and leaves out what is missing', () => {
    const post = renderSocialPost('bluesky', {
      title: 'Bins',
      summary: '',
      body: paragraphs('Collections move to Tuesday.'),
    });
    expect(post.text).toBe('Bins\n\nCollections move to Tuesday.');
  });

  it('keeps markup characters as they are: posts are plain text, and previews escape them', () => {
    const post = renderSocialPost('mastodon', roadClosure({ title: '<script>alert(1)</script>' }));
    expect(post.text.startsWith('<script>alert(1)</script>\n\n')).toBe(true);
    expect(post.text).not.toContain('&lt;');
  });

  it('splits an over-long post into a thread whose posts all fit', () => {
    const summary = 'The A6 is closed from 9pm Friday to 6am Monday while we resurface the road. '.repeat(4).trim();
    const post = renderSocialPost('x', roadClosure({ summary }), { websiteUrl: URL });
    expect(post.measure.ok).toBe(false);
    expect(post.posts.length).toBeGreaterThan(1);
    for (const p of post.posts) expect(measure('x', p).ok).toBe(true);
    expect(post.posts.map(stripThreadSuffix).join(' ').split(/\s+/)).toEqual(post.text.split(/\s+/));
    expect(post.error).toBeUndefined();
  });

  it('passes the Mastodon instance limit through', () => {
    const post = renderSocialPost('mastodon', roadClosure(), { websiteUrl: URL, mastodonLimit: 60 });
    expect(post.measure.limit).toBe(60);
    expect(post.posts.length).toBeGreaterThan(1);
    for (const p of post.posts) expect(measure('mastodon', p, { mastodonLimit: 60 }).ok).toBe(true);
  });

  it('reports an error, and keeps the whole text, when no thread can fit', () => {
    const longUrl = `https://www.stockport.gov.uk/${'a'.repeat(300)}`;
    const post = renderSocialPost('bluesky', roadClosure(), { websiteUrl: longUrl });
    expect(post.error).toContain('too long to fit in one Bluesky post');
    expect(post.posts).toEqual([post.text]);
    expect(post.measure.ok).toBe(false);
  });

  it('refuses a website link that is not an http(s) URL', () => {
    expect(() => renderSocialPost('x', roadClosure(), { websiteUrl: 'javascript:alert(1)' })).toThrow(RangeError);
  });

  it('gives no posts for empty content', () => {
    expect(socialText({ title: ' ', summary: '', body: { type: 'doc', content: [{ type: 'paragraph' }] } })).toBe('');
    expect(renderSocialPost('x', { title: '', summary: '', body: { type: 'doc', content: [] } }).posts).toEqual([]);
  });
});

describe('normaliseHashtag', () => {
  it.each([
    ['RoadClosure', '#RoadClosure'],
    ['#RoadClosure', '#RoadClosure'],
    ['##Road Closure', '#RoadClosure'],
    ['roadclosure', '#roadclosure'],
  ])('%j → %j', (tag, expected) => {
    expect(normaliseHashtag(tag)).toBe(expected);
  });
});
