import twitterText from 'twitter-text';

/**
 * Text primitives shared by the counters, the thread splitter and the content
 * checks. twitter-text is imported as a default export because the package is
 * CommonJS for Node (no named exports there) and an ES module for bundlers.
 */

const graphemes = new Intl.Segmenter('en-GB', { granularity: 'grapheme' });

/** Number of user-perceived characters (extended grapheme clusters), as Bluesky and Mastodon count. */
export function graphemeCount(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

/** The text split into grapheme clusters, so nothing ever cuts an emoji or an accent in half. */
export function graphemeList(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/** Size of the text in UTF-8 bytes, without allocating (a lone surrogate becomes U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Number of Unicode code points (what most "characters" counters mean). */
export function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export type UrlSpan = { url: string; start: number; end: number };

/**
 * URLs in a text, as twitter-text finds them (UTF-16 offsets). With
 * `withoutScheme` it also finds bare domains such as example.gov.uk, as X does;
 * without it only http(s) URLs count, as Mastodon's composer does.
 */
export function findUrls(text: string, options: { withoutScheme: boolean }): UrlSpan[] {
  return twitterText
    .extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: options.withoutScheme })
    .map((u) => ({ url: u.url, start: u.indices[0], end: u.indices[1] }));
}

/** X's weighted length and whether the text has characters X refuses (U+FFFE, U+FEFF, U+FFFF). */
export function xWeightedLength(text: string): { weighted: number; invalidCharacters: boolean } {
  return {
    weighted: twitterText.parseTweet(text).weightedLength,
    invalidCharacters: twitterText.hasInvalidCharacters(text),
  };
}

/** Hashtags in a text (without the #), by twitter-text's rules, which match how the networks link them. */
export function findHashtags(text: string): string[] {
  return twitterText.extractHashtags(text);
}
