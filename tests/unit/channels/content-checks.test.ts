import { describe, expect, it } from 'vitest';
import type { BlockNode, Doc } from '../../../shared/content/doc.ts';
import { checkContent, type CheckInput, type Finding } from '../../../shared/content/checks.ts';
import { readingAge, syllablesIn } from '../../../shared/content/checks-text.ts';
import { paragraphs, roadClosure } from './render-fixtures.ts';

const doc = (...content: BlockNode[]): Doc => ({ type: 'doc', content });
const para = (...content: NonNullable<Extract<BlockNode, { type: 'paragraph' }>['content']>): BlockNode => ({
  type: 'paragraph',
  content,
});
const text = (t: string) => ({ type: 'text' as const, text: t });
const link = (t: string, href: string) => ({
  type: 'text' as const,
  text: t,
  marks: [{ type: 'link' as const, attrs: { href } }],
});
const heading = (level: 2 | 3, t: string): BlockNode => ({ type: 'heading', attrs: { level }, content: [text(t)] });

const input = (body: Doc, more: Partial<CheckInput> = {}): CheckInput => ({
  title: 'Bin collections',
  summary: 'Bins are collected on Tuesday.',
  body,
  ...more,
});
const ids = (findings: Finding[]): string[] => findings.map((f) => f.id);
const only = (findings: Finding[], prefix: string): Finding[] => findings.filter((f) => f.id.startsWith(prefix));

describe('checkContent', () => {
  it('finds nothing in plain, clear content', () => {
    expect(checkContent(roadClosure(), [{ kind: 'x', posts: ['The A6 is closed this weekend. #A6Closure'] }])).toEqual(
      [],
    );
  });

  describe('blocking', () => {
    it('missing alt text, naming the image', () => {
      const findings = checkContent(input(paragraphs('Hi.')), [], {}).concat(
        checkContent(
          input(paragraphs('Hi.'), { images: [{ alt: 'A map of the A6' }, { alt: '  ', name: 'map.png' }] }),
        ),
      );
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ id: 'missing-alt-text:image-2', severity: 'blocking', where: 'image 2' });
      expect(findings[0]?.message).toContain('map.png');
    });

    it('a link with no words, but not a link with words', () => {
      const findings = checkContent(
        input(
          doc(para(text('A')), para(text('See '), link('  ', 'https://a.gov.uk'), link('bins', 'https://a.gov.uk/b'))),
        ),
      );
      expect(findings).toEqual([
        expect.objectContaining({ id: 'empty-link:paragraph-2', severity: 'blocking', where: 'paragraph 2' }),
      ]);
    });

    it('a variant over its limit, naming the post and the count', () => {
      const findings = checkContent(input(paragraphs('Hi.')), [
        { kind: 'x', posts: ['Fine.', 'a'.repeat(281)] },
        { kind: 'bluesky', posts: ['a'.repeat(300)] },
        { kind: 'bluesky', posts: ['👨‍👩‍👧‍👦'.repeat(121)] },
        { kind: 'mastodon', posts: ['a'.repeat(501)] },
      ]);
      const over = only(findings, 'over-limit');
      expect(over.map((f) => f.where)).toEqual(['X post 2', 'Bluesky post', 'Mastodon post']);
      expect(over[0]?.message).toBe('X post 2 has 281 characters; the limit is 280.');
      expect(over[1]?.message).toBe('Bluesky post has 3025 bytes; the limit is 3000.');
      expect(
        checkContent(input(paragraphs('Hi.')), [{ kind: 'mastodon', posts: ['a'.repeat(501)] }], {
          mastodonLimit: 1000,
        }),
      ).toEqual([]);
    });

    it('come before advice', () => {
      const findings = checkContent(
        input(doc(para(link('click here', 'http://a.gov.uk')), para(link(' ', 'https://a.gov.uk')))),
      );
      expect(findings.map((f) => f.severity)).toEqual(['blocking', 'advice', 'advice']);
    });
  });

  describe('advice', () => {
    it('vague link text such as "click here", "Read more." and "this link"', () => {
      const body = doc(
        para(link('Click here', 'https://a.gov.uk')),
        para(text('Or '), link('Read more.', 'https://a.gov.uk')),
        { type: 'bulletList', content: [{ type: 'listItem', content: [para(link('this link', 'https://a.gov.uk'))] }] },
        para(link('bin collection dates', 'https://a.gov.uk'), text(' are here')),
      );
      const vague = only(checkContent(input(body)), 'vague-link-text');
      expect(vague.map((f) => f.where)).toEqual(['paragraph 1', 'paragraph 2', 'bulleted list 1, item 1']);
      expect(vague[0]?.message).toContain('"Click here"');
    });

    it('a level 3 heading with no level 2 before it, but not one after a level 2', () => {
      const skipped = checkContent(input(doc(heading(3, 'Dates'), heading(2, 'Bins'), heading(3, 'Times'))));
      expect(ids(skipped)).toEqual(['skipped-heading-level:heading-1']);
    });

    it('words of 5+ letters in capitals, but not short acronyms', () => {
      const findings = checkContent(
        input(
          paragraphs(
            'The A6 and M62 are open. NHS and DVLA offices too. COVID-19 rules have ended.',
            'Road CLOSED today. URGENT.',
          ),
          {
            title: 'WARNING for Leeds',
          },
        ),
      );
      const caps = only(findings, 'all-caps');
      expect(caps.map((f) => f.where)).toEqual(['title', 'paragraph 2']);
      expect(caps[1]?.message).toContain('"CLOSED", "URGENT"');
    });

    it('sentences over 25 words, but not one of exactly 25', () => {
      // Each sentence starts with a capital: a full stop before a lower-case word does not end a sentence (UAX #29).
      const words = (n: number) => `Word ${Array.from({ length: n - 1 }, () => 'word').join(' ')}.`;
      const findings = checkContent(input(paragraphs(words(25), `Short. ${words(26)}`), { summary: words(30) }));
      const long = only(findings, 'long-sentence');
      expect(long.map((f) => f.where)).toEqual(['summary', 'paragraph 2']);
      expect(long[1]?.message).toContain('26 words');
    });

    it('a reading age above 11, but not for short, plain sentences', () => {
      const plain = paragraphs(
        'The road is shut. Use the bus. It stops at the shop. The bins go out on Tuesday. Call us if you need help. We are open from nine to five.',
      );
      expect(only(checkContent(input(plain)), 'reading-age')).toEqual([]);
      const dense = paragraphs(
        'Notwithstanding considerable infrastructural complications, the municipal administration anticipates comprehensive rehabilitation of deteriorating carriageways, necessitating temporary prohibitions affecting residential accessibility.',
        'Alternative transportation arrangements, coordinated collaboratively with regional operators, will accommodate affected communities throughout the implementation period.',
      );
      const finding = only(checkContent(input(dense)), 'reading-age');
      expect(finding).toHaveLength(1);
      expect(finding[0]?.where).toBe('summary and body');
      expect(finding[0]?.message).toMatch(/reading age is \d+/);
    });

    it('hashtags not in CamelCase, but not CamelCase or short acronym ones', () => {
      const findings = checkContent(input(paragraphs('Hi.')), [
        { kind: 'x', posts: ['Closed. #roadclosure #ROADWORKS #RoadClosure #NHS #A6'] },
      ]);
      const tags = only(findings, 'hashtag-case');
      expect(tags).toHaveLength(1);
      expect(tags[0]?.message).toContain('#roadclosure, #ROADWORKS');
      expect(tags[0]?.message).not.toContain('#RoadClosure,');
    });

    it('more than 2 emoji in a post, counting a sequence as one', () => {
      const findings = checkContent(input(paragraphs('Hi.')), [
        { kind: 'bluesky', posts: ['Fun day 👨‍👩‍👧‍👦 👍🏽', 'Fun day 🎉 🎈 ☀️'] },
      ]);
      expect(only(findings, 'too-many-emoji')).toEqual([
        expect.objectContaining({ where: 'Bluesky post 2', message: expect.stringContaining('3 emoji') }),
      ]);
    });

    it('http: links in the body and in posts, once per place, but not https:', () => {
      const findings = checkContent(
        input(doc(para(link('http://a.gov.uk', 'http://a.gov.uk')), para(link('bins', 'https://a.gov.uk')))),
        [{ kind: 'mastodon', posts: ['See http://a.gov.uk/bins', 'See https://a.gov.uk/bins'] }],
      );
      expect(ids(only(findings, 'insecure-link'))).toEqual([
        'insecure-link:paragraph-1',
        'insecure-link:mastodon-post-1',
      ]);
    });

    it('a long email subject and website title', () => {
      const findings = checkContent(input(paragraphs('Hi.')), [
        { kind: 'email', subject: 'a'.repeat(79) },
        { kind: 'website', title: 'a'.repeat(66) },
        { kind: 'email', subject: 'Bins' },
      ]);
      expect(ids(findings)).toEqual(['long-subject:email-subject', 'long-title:website-title']);
      expect(findings.every((f) => f.severity === 'advice')).toBe(true);
    });
  });

  it('names places in lists and quotes, and gives repeated findings in one place distinct ids', () => {
    const body = doc(
      {
        type: 'orderedList',
        content: [
          {
            type: 'listItem',
            content: [
              para(text('One')),
              para(link('here', 'https://a.gov.uk'), text(' and '), link('here', 'https://b.gov.uk')),
            ],
          },
        ],
      },
      { type: 'blockquote', content: [para(link('click here', 'https://a.gov.uk'))] },
    );
    const vague = only(checkContent(input(body)), 'vague-link-text');
    expect(vague.map((f) => [f.id, f.where])).toEqual([
      ['vague-link-text:numbered-list-1-item-1', 'numbered list 1, item 1'],
      ['vague-link-text:numbered-list-1-item-1:2', 'numbered list 1, item 1'],
      ['vague-link-text:quote-1', 'quote 1'],
    ]);
  });
});

describe('reading age', () => {
  it('counts syllables by vowel groups, dropping a silent e', () => {
    expect(['road', 'closed', 'resurface', 'table', 'the', 'council', 'people', 'disruption'].map(syllablesIn)).toEqual(
      [1, 1, 3, 2, 1, 2, 2, 3],
    );
  });

  it('is Flesch–Kincaid grade + 5, and needs 30 words', () => {
    // Five sentences of six words; each has five one-syllable words and "Tuesday" (ue·ay: 2), so 35 syllables.
    // grade = 0.39 × 30/5 + 11.8 × 35/30 − 15.59 = 2.34 + 13.7667 − 15.59 = 0.5167; age = grade + 5 = 5.5167.
    const sentence = 'The bins go out on Tuesday.';
    const result = readingAge([Array.from({ length: 5 }, () => sentence).join(' ')]);
    expect(result).toMatchObject({ words: 30, sentences: 5, syllables: 35 });
    expect(result?.age).toBeCloseTo(5.5167, 3);
    // Each list item counts as its own sentence even without a full stop.
    expect(
      readingAge(['The bins go out on Tuesday', 'The bins go out on Tuesday', sentence, sentence, sentence])?.sentences,
    ).toBe(5);
    expect(readingAge([sentence])).toBeUndefined();
  });
});
