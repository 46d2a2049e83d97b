import { describe, expect, it } from 'vitest';
import { measure } from '../../../shared/channels/limits.ts';
import { splitIntoThread, stripThreadSuffix, threadSuffix } from '../../../shared/channels/thread.ts';
import type { SocialKind } from '../../../shared/channels/kinds.ts';

const KINDS: SocialKind[] = ['x', 'bluesky', 'mastodon'];
const words = (text: string): string[] => text.split(/\s+/).filter((w) => w.length > 0);

function postsOf(kind: SocialKind, text: string, mastodonLimit?: number): string[] {
  const result = splitIntoThread(kind, text, mastodonLimit ? { mastodonLimit } : {});
  if (!result.ok) throw new Error(result.message);
  return result.posts;
}

const SENTENCES = [
  'The A6 is closed between Stockport and Hazel Grove from 9pm on Friday.',
  'We are resurfacing the road.',
  'Buses will go via the A523 and Buxton Road instead.',
  'Maps are at https://www.stockport.gov.uk/roadworks/a6-resurfacing.',
  'We are sorry for the disruption this causes.',
  'Call 0161 217 6111 if you have a question.',
];

describe('splitIntoThread', () => {
  it('returns a text that fits as one post, without numbering', () => {
    expect(postsOf('x', '  Bins are collected on Tuesday.  ')).toEqual(['Bins are collected on Tuesday.']);
  });

  it('returns no posts for a blank text', () => {
    expect(postsOf('bluesky', ' \n ')).toEqual([]);
  });

  it('numbers each post with " i/n" at the end and splits between sentences', () => {
    const text = [...SENTENCES, ...SENTENCES].join(' ');
    const posts = postsOf('x', text);
    expect(posts.length).toBeGreaterThan(1);
    posts.forEach((post, i) => {
      expect(post.endsWith(threadSuffix(i + 1, posts.length))).toBe(true);
      expect(measure('x', post).ok).toBe(true);
      // Every post ends at the end of one of the sentences.
      expect(stripThreadSuffix(post)).toMatch(/[.]$/);
    });
    expect(words(posts.map(stripThreadSuffix).join(' '))).toEqual(words(text));
  });

  it('splits a sentence longer than a post between words', () => {
    const text = `${'The road will stay closed while the work goes on '.repeat(12)}today.`;
    const posts = postsOf('bluesky', text);
    expect(posts.length).toBe(3);
    for (const post of posts) expect(measure('bluesky', post).ok).toBe(true);
    expect(words(posts.map(stripThreadSuffix).join(' '))).toEqual(words(text));
  });

  it('uses the Mastodon instance limit', () => {
    const text = SENTENCES.join(' ');
    expect(postsOf('mastodon', text)).toHaveLength(1);
    const posts = postsOf('mastodon', text, 120);
    expect(posts.length).toBeGreaterThan(2);
    for (const post of posts) expect(measure('mastodon', post, { mastodonLimit: 120 }).ok).toBe(true);
  });

  it('refuses, rather than cutting, a link longer than a whole post', () => {
    const link = `https://www.leeds.gov.uk/${'a'.repeat(300)}`;
    const result = splitIntoThread('bluesky', `See ${link} for details.`);
    expect(result).toMatchObject({ ok: false, code: 'unsplittable', token: link });
    if (!result.ok) expect(result.message).toContain('too long to fit in one Bluesky post');
    // The same link is only 23 on X, so X splits nothing.
    expect(postsOf('x', `See ${link} for details.`)).toHaveLength(1);
  });

  it('cuts a run of text with no spaces (CJK) between characters, never inside one', () => {
    const text = '図書館は月曜日に休館します。'.repeat(30);
    const posts = postsOf('x', text);
    for (const post of posts) expect(measure('x', post).ok).toBe(true);
    expect(posts.map(stripThreadSuffix).join('')).toBe(text);
  });

  it('refuses a text that would need more than 50 posts', () => {
    const result = splitIntoThread('x', 'Short sentence here. '.repeat(1000));
    expect(result).toMatchObject({ ok: false, code: 'too_many_posts' });
  });

  it('moves to two-digit numbering when a thread reaches ten posts', () => {
    const posts = postsOf('x', Array.from({ length: 10 }, () => SENTENCES.join(' ')).join(' '));
    expect(posts.length).toBeGreaterThanOrEqual(10);
    expect(posts[0]).toMatch(/ 1\/\d\d$/);
    for (const post of posts) expect(measure('x', post).ok).toBe(true);
  });
});

/** mulberry32: a tiny seeded PRNG, so the generated texts are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = ['road', 'closed', 'bins', 'Tuesday', 'council', 'résumé', 'naïve', 'A6', '£5', '€10', '日本語', '👍🏽'];
const VOCAB_RARE = ['👨‍👩‍👧‍👦', 'Llanfairpwllgwyngyll', 'co-operation', '(see', 'below)', '"quoted"', '#RoadClosure'];
const LINKS = [
  'https://www.leeds.gov.uk/roads',
  'https://www.stockport.gov.uk/roadworks/a6-resurfacing-2025?from=email#map',
  'http://example.com/a/b',
  'leeds.gov.uk/bins',
  'www.manchester.gov.uk',
  `https://www.leeds.gov.uk/${'x'.repeat(120)}`,
];

function generate(next: () => number): { text: string; links: string[] } {
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
  const sentences: string[] = [];
  const links: string[] = [];
  const count = 1 + Math.floor(next() * 40);
  for (let s = 0; s < count; s++) {
    const length = 1 + Math.floor(next() * (next() < 0.1 ? 90 : 18));
    const parts: string[] = [];
    for (let w = 0; w < length; w++) {
      const roll = next();
      if (roll < 0.05) {
        const link = pick(LINKS);
        links.push(link);
        parts.push(link);
      } else parts.push(roll < 0.12 ? pick(VOCAB_RARE) : pick(VOCAB));
    }
    sentences.push(parts.join(' ') + pick(['.', '!', '?', '.', '']));
  }
  let text = '';
  sentences.forEach((s, i) => {
    text += (i === 0 ? '' : pick([' ', ' ', ' ', '\n', '\n\n', '  '])) + s;
  });
  return { text, links };
}

describe('splitIntoThread over generated texts (seeded)', () => {
  it.each(KINDS)(
    '%s: every post fits, no link is cut, and the words come back in order',
    (kind) => {
      const next = random(0x70776e + kind.length);
      let threads = 0;
      for (let i = 0; i < 120; i++) {
        const { text, links } = generate(next);
        const result = splitIntoThread(kind, text, { mastodonLimit: kind === 'mastodon' ? 300 : undefined });
        expect(result.ok, `text ${i}: ${result.ok ? '' : result.message}`).toBe(true);
        if (!result.ok) continue;
        const posts = result.posts;
        if (posts.length > 1) threads++;
        for (const post of posts) {
          expect(measure(kind, post, { mastodonLimit: 300 }).ok, post).toBe(true);
        }
        const postWords = posts.flatMap((p) => words(posts.length > 1 ? stripThreadSuffix(p) : p));
        expect(postWords).toEqual(words(text));
        // Every link reappears whole inside one post.
        for (const link of links)
          expect(
            posts.some((p) => p.includes(link)),
            link,
          ).toBe(true);
      }
      // The generator must actually exercise splitting.
      expect(threads).toBeGreaterThan(40);
      // 360 texts split and measured: about a second alone, several on a busy machine. Correctness, not speed, is tested.
    },
    30_000,
  );
});
