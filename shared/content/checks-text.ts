/**
 * Text measures behind the content checks: sentences, words, syllables, a
 * reading-age estimate, capitals, emoji and hashtag case. Heuristics, so the
 * checks that use them only ever give advice.
 */

const sentenceSegmenter = new Intl.Segmenter('en-GB', { granularity: 'sentence' });
const wordSegmenter = new Intl.Segmenter('en-GB', { granularity: 'word' });
const graphemeSegmenter = new Intl.Segmenter('en-GB', { granularity: 'grapheme' });

/** The sentences of a text (UAX #29: after . ! ? and at line breaks), trimmed, blanks dropped. */
export function sentencesOf(text: string): string[] {
  return Array.from(sentenceSegmenter.segment(text), (s) => s.segment.trim()).filter((s) => s.length > 0);
}

/** The words of a text: word-like segments, so "9pm" and "don't" are one word each and punctuation none. */
export function wordsOf(text: string): string[] {
  return Array.from(wordSegmenter.segment(text))
    .filter((s) => s.isWordLike === true)
    .map((s) => s.segment);
}

/**
 * English syllables by the usual vowel-group heuristic: drop a silent final
 * "e", "es" or "ed", then count groups of one or two vowels ("y" counts, except
 * first). Good to about one syllable in ten, which is enough for an estimate.
 */
export function syllablesIn(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length === 0) return 1;
  if (w.length <= 3) return 1;
  const stem = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  return Math.max(1, stem.match(/[aeiouy]{1,2}/g)?.length ?? 0);
}

/** Fewer words than this give reading ages that swing wildly, so no estimate is made. */
export const READING_AGE_MIN_WORDS = 30;

export type ReadingAge = { age: number; grade: number; words: number; sentences: number; syllables: number };

/**
 * Reading age from the Flesch–Kincaid grade level:
 *   grade = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59
 *   reading age = grade + 5 (a US grade is a school year; pupils in grade 1 are about 6)
 * Each string in `blocks` is a paragraph or list item, so a list item without
 * a full stop still ends its sentence. Undefined for fewer than 30 words.
 */
export function readingAge(blocks: string[]): ReadingAge | undefined {
  let words = 0;
  let sentences = 0;
  let syllables = 0;
  for (const block of blocks) {
    for (const sentence of sentencesOf(block)) {
      const w = wordsOf(sentence);
      if (w.length === 0) continue;
      sentences++;
      words += w.length;
      for (const word of w) syllables += syllablesIn(word);
    }
  }
  if (words < READING_AGE_MIN_WORDS || sentences === 0) return undefined;
  const grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59;
  return { age: grade + 5, grade, words, sentences, syllables };
}

/**
 * Acronyms that are written in capitals but are 5 letters or longer. Words of
 * 4 letters or fewer are never flagged (NHS, DVLA, CCTV, A6, M62), so this
 * list only needs the longer ones.
 */
const LONG_ACRONYMS = new Set(['COVID', 'UNESCO', 'UNICEF', 'OFSTED', 'HMCTS', 'DEFRA', 'OFGEM', 'OFCOM']);

/** Words of 5 or more letters written all in capitals ("CLOSED"), which are harder to read. */
export function allCapsWords(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\p{L}+/gu)) {
    const word = match[0];
    if (word.length < 5 || LONG_ACRONYMS.has(word)) continue;
    if (/\p{Lu}/u.test(word) && !/\p{Ll}/u.test(word)) found.push(word);
  }
  return [...new Set(found)];
}

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/** Emoji in a text, counting a whole sequence (skin tone, family, flag, keycap) as one. */
export function emojiCount(text: string): number {
  let count = 0;
  for (const g of graphemeSegmenter.segment(text)) if (PICTOGRAPHIC.test(g.segment)) count++;
  return count;
}

/**
 * True when a hashtag (without #) is not CamelCase: no capital at all
 * ("roadclosure"), or 5+ letters all in capitals ("ROADCLOSURE"). Screen
 * readers read "#RoadClosure" as two words and "#roadclosure" as a jumble.
 */
export function isHashtagNotCamelCase(tag: string): boolean {
  const letters = tag.replace(/\P{L}/gu, '');
  if (letters.length === 0) return false;
  const upper = /\p{Lu}/u.test(letters);
  const lower = /\p{Ll}/u.test(letters);
  if (!upper && !lower) return false; // A script without case (Arabic, CJK) has nothing to fix.
  return !upper || (!lower && letters.length >= 5);
}
