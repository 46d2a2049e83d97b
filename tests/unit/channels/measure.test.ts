import { describe, expect, it } from 'vitest';
import { measure, strictestLimits } from '../../../shared/channels/limits.ts';
import { CHANNEL_KINDS, channelDisplayName, isSocialKind } from '../../../shared/channels/kinds.ts';

/*
 * Expected numbers are worked out by hand from each network's rules:
 * - X (twitter-text v3): NFC first; code points U+0000–U+10FF and a few punctuation ranges weigh 1, others 2;
 *   any URL (with or without a scheme) is 23; an emoji sequence is 2.
 * - Bluesky: grapheme clusters (limit 300) and UTF-8 bytes (limit 3000), of the text as sent.
 * - Mastodon: http(s) URLs become 23 characters, `@user@server` becomes `@user`, then grapheme clusters.
 * - Email subject and website title: grapheme clusters, advice only.
 */

// "Bins will be collected on Tuesday." = 4+1+4+1+2+1+9+1+2+1+8 = 34 ASCII characters.
const ASCII = 'Bins will be collected on Tuesday.';

// "Details: " 9 · https://www.leeds.gov.uk/roads/a6-closure-2025 46 · " and " 5 · leeds.gov.uk/bins 17
// · " or " 4 · http://example.com 18 · "." 1 (twitter-text leaves the final full stop out of the URL) = 100.
const URLS = 'Details: https://www.leeds.gov.uk/roads/a6-closure-2025 and leeds.gov.uk/bins or http://example.com.';

// 13 CJK characters, each 3 bytes in UTF-8 and weight 2 on X.
const CJK = '図書館は月曜日に休館します';

// "Thanks " (7) + thumbs up with skin tone (2 code points, 8 bytes) + " " + family (4 people joined by 3 ZWJs:
// 7 code points, 4×4 + 3×3 = 25 bytes) + " " + woman firefighter with skin tone (👩 🏾 ZWJ 🚒: 4+4+3+4 = 15 bytes).
const EMOJI = 'Thanks 👍🏽 👨‍👩‍👧‍👦 👩🏾‍🚒';

// "Cafe" + U+0301 (composes to é under NFC) + " and " + "q" + U+0307 (no precomposed form exists).
const ACCENTS = 'Cafe\u0301 and q\u0307';

// 8 + 1 + 8 + 2 + 10 = 29 characters, with "\n\n" as two characters.
const NEWLINES = 'Line one\nLine two\n\nLine three';

describe('kinds', () => {
  it('lists the five kinds with the names people see', () => {
    expect(CHANNEL_KINDS.map(channelDisplayName)).toEqual(['Website', 'Email', 'X', 'Bluesky', 'Mastodon']);
    expect(CHANNEL_KINDS.filter(isSocialKind)).toEqual(['x', 'bluesky', 'mastodon']);
  });
});

describe('measure: X', () => {
  const used = (text: string): number => measure('x', text).used;

  it('counts ASCII one each', () => {
    expect(measure('x', ASCII)).toMatchObject({ used: 34, limit: 280, remaining: 246, ok: true });
  });

  it('counts every URL as 23, including bare domains such as leeds.gov.uk', () => {
    // 9 + 23 + 5 + 23 + 4 + 23 + 1: all three addresses are URLs to X.
    expect(used(URLS)).toBe(88);
    expect(used(`https://www.leeds.gov.uk/${'a'.repeat(200)}`)).toBe(23);
    // Even a six-letter domain costs 23.
    expect(used('gov.uk')).toBe(23);
  });

  it('weighs CJK and other characters beyond U+10FF as 2', () => {
    expect(used(CJK)).toBe(26);
    // £ is U+00A3 (weight 1) but € is U+20AC, outside X's light ranges (weight 2).
    expect(used('£5')).toBe(2);
    expect(used('€5')).toBe(3);
  });

  it('counts each emoji sequence as 2, whatever its length', () => {
    // 7 + 2 + 1 + 2 + 1 + 2.
    expect(used(EMOJI)).toBe(15);
  });

  it('normalises to NFC before counting combining accents', () => {
    // "Café" is 4 after NFC; "q" + U+0307 stays 2 code points, both under U+10FF: 4 + 5 + 2.
    expect(used(ACCENTS)).toBe(11);
  });

  it('counts line breaks, and \\r\\n as two', () => {
    expect(used(NEWLINES)).toBe(29);
    expect(used('a\r\nb')).toBe(4);
  });

  it('is ok up to 280 and not beyond', () => {
    expect(measure('x', 'a'.repeat(280)).ok).toBe(true);
    expect(measure('x', 'a'.repeat(281))).toMatchObject({ ok: false, remaining: -1, exceeded: 'length' });
    expect(measure('x', '日'.repeat(140)).ok).toBe(true);
    expect(measure('x', '日'.repeat(141))).toMatchObject({ used: 282, ok: false });
    expect(measure('x', 'a'.repeat(281)).message).toContain('X post is 281');
  });

  it('refuses characters X does not allow', () => {
    expect(measure('x', 'Hello\uFEFF')).toMatchObject({ ok: false, exceeded: 'characters' });
  });
});

describe('measure: Bluesky', () => {
  it('counts ASCII as graphemes and bytes', () => {
    expect(measure('bluesky', ASCII)).toMatchObject({
      used: 34,
      limit: 300,
      ok: true,
      bytes: { used: 34, limit: 3000 },
    });
  });

  it('counts URLs in full, with or without a scheme, because the text is posted as written', () => {
    expect(measure('bluesky', URLS)).toMatchObject({ used: 100, bytes: { used: 100 } });
    expect(measure('bluesky', `https://www.leeds.gov.uk/${'a'.repeat(200)}`).used).toBe(225);
  });

  it('counts a CJK character as one grapheme and three bytes', () => {
    expect(measure('bluesky', CJK)).toMatchObject({ used: 13, bytes: { used: 39 } });
  });

  it('counts an emoji sequence as one grapheme but all its bytes', () => {
    // 7 + 1 + 1 + 1 + 1 + 1 graphemes; 7 + 8 + 1 + 25 + 1 + 15 bytes.
    expect(measure('bluesky', EMOJI)).toMatchObject({ used: 12, bytes: { used: 57 } });
  });

  it('counts a letter and its combining accent as one grapheme, bytes as sent (not normalised)', () => {
    // Graphemes: 4 + 5 + 1. Bytes: 4 + 2 (U+0301) + 5 + 1 + 2 (U+0307).
    expect(measure('bluesky', ACCENTS)).toMatchObject({ used: 10, bytes: { used: 14 } });
  });

  it('counts line breaks, and \\r\\n as one grapheme', () => {
    expect(measure('bluesky', NEWLINES)).toMatchObject({ used: 29, bytes: { used: 29 } });
    expect(measure('bluesky', 'a\r\nb')).toMatchObject({ used: 3, bytes: { used: 4 } });
  });

  it('fails at 301 graphemes, or at 3001 bytes under 300 graphemes, and says which', () => {
    expect(measure('bluesky', 'a'.repeat(300)).ok).toBe(true);
    expect(measure('bluesky', 'a'.repeat(301))).toMatchObject({ ok: false, exceeded: 'length' });
    const family = '👨‍👩‍👧‍👦';
    // 120 families = 120 graphemes and exactly 3000 bytes: allowed. One more is 3025 bytes.
    expect(measure('bluesky', family.repeat(120))).toMatchObject({ used: 120, ok: true, bytes: { used: 3000 } });
    const over = measure('bluesky', family.repeat(121));
    expect(over).toMatchObject({ used: 121, remaining: 179, ok: false, exceeded: 'bytes', bytes: { used: 3025 } });
    expect(over.message).toContain('3025 bytes');
  });
});

describe('measure: Mastodon', () => {
  const used = (text: string): number => measure('mastodon', text).used;

  it('counts ASCII one each against 500', () => {
    expect(measure('mastodon', ASCII)).toMatchObject({ used: 34, limit: 500, remaining: 466, ok: true });
  });

  it('counts http(s) URLs as 23 but a bare domain as typed', () => {
    // 9 + 23 + 5 + 17 (leeds.gov.uk/bins has no scheme) + 4 + 23 + 1.
    expect(used(URLS)).toBe(82);
    expect(used(`https://www.leeds.gov.uk/${'a'.repeat(200)}`)).toBe(23);
    expect(used('www.leeds.gov.uk')).toBe(16);
  });

  it('counts a remote mention without its server', () => {
    // "Thanks @helpdesk!" = 7 + 9 + 1.
    expect(used('Thanks @helpdesk@leeds.social!')).toBe(17);
  });

  it('counts CJK, emoji sequences and accented letters as graphemes', () => {
    expect(used(CJK)).toBe(13);
    expect(used(EMOJI)).toBe(12);
    expect(used(ACCENTS)).toBe(10);
  });

  it('counts line breaks', () => {
    expect(used(NEWLINES)).toBe(29);
    expect(used('a\r\nb')).toBe(3);
  });

  it("uses the instance's own limit when known, and ignores a nonsense one", () => {
    expect(measure('mastodon', 'a'.repeat(501)).ok).toBe(false);
    expect(measure('mastodon', 'a'.repeat(501), { mastodonLimit: 1000 })).toMatchObject({ limit: 1000, ok: true });
    expect(measure('mastodon', 'a'.repeat(501), { mastodonLimit: 0 }).limit).toBe(500);
    expect(measure('mastodon', 'a'.repeat(501), { mastodonLimit: 2.5 }).limit).toBe(500);
  });
});

describe.each([
  ['email', 78, 'subject'],
  ['website', 65, 'title'],
] as const)('measure: %s (advice only)', (kind, limit, what) => {
  it('counts ASCII, URLs as typed, CJK, emoji, accents and line breaks as graphemes', () => {
    expect(measure(kind, ASCII)).toMatchObject({ used: 34, limit, ok: true, advisory: true });
    expect(measure(kind, URLS).used).toBe(100);
    expect(measure(kind, CJK).used).toBe(13);
    expect(measure(kind, EMOJI).used).toBe(12);
    expect(measure(kind, ACCENTS).used).toBe(10);
    expect(measure(kind, NEWLINES).used).toBe(29);
  });

  it(`warns past ${limit} characters but stays ok`, () => {
    expect(measure(kind, 'a'.repeat(limit)).warning).toBeUndefined();
    const over = measure(kind, 'a'.repeat(limit + 1));
    expect(over).toMatchObject({ ok: true, remaining: -1 });
    expect(over.warning).toContain(`The ${what} is ${limit + 1} characters`);
  });
});

describe('strictestLimits', () => {
  it('takes the smallest known Mastodon limit of several channels, and nothing when none is known', () => {
    expect(strictestLimits([{ mastodonLimit: 1000 }, {}, { mastodonLimit: 640 }])).toEqual({ mastodonLimit: 640 });
    expect(strictestLimits([{}, {}])).toEqual({});
    expect(strictestLimits([])).toEqual({});
    expect(strictestLimits([{ mastodonLimit: 0 }, { mastodonLimit: 2.5 }])).toEqual({});
  });
});
