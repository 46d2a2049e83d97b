import { channelDisplayName, type SocialKind } from './kinds.ts';
import { measure, type MeasureOptions } from './limits.ts';
import { findUrls } from './text.ts';

/**
 * Splits a social post that is over its limit into a numbered thread. Posts
 * break between sentences where possible, then between words; a URL is never
 * cut, and every post (numbering included) passes `measure`.
 *
 * Numbering: each post of a thread ends with a space and "i/n" ("… closed. 1/3").
 * It sits at the end so the first words of each post (what shows in a
 * timeline) are the message itself, and it is plain ASCII so it costs the same
 * on every network (one character per digit or slash).
 */

export const MAX_THREAD_POSTS = 50;

export type ThreadResult =
  | { ok: true; posts: string[] }
  | { ok: false; code: 'unsplittable' | 'too_many_posts'; message: string; token?: string };

/** The numbering suffix of post `index` (1-based) of `total`. */
export function threadSuffix(index: number, total: number): string {
  return ` ${index}/${total}`;
}

/** Removes a numbering suffix, for previews and tests that need the post's own text. */
export function stripThreadSuffix(post: string): string {
  return post.replace(/ \d+\/\d+$/, '');
}

type Token = { start: number; end: number; sentenceEnd: boolean };
type Span = { from: number; to: number };

/**
 * Splits `text` into posts that each fit `kind`'s limit. A text that already
 * fits comes back as one post without numbering; a blank text as no posts.
 * When a single link is longer than a whole post the result is an error,
 * never a post that would be refused.
 */
export function splitIntoThread(kind: SocialKind, text: string, options: MeasureOptions = {}): ThreadResult {
  const body = text.trim();
  if (body.length === 0) return { ok: true, posts: [] };
  if (measure(kind, body, options).ok) return { ok: true, posts: [body] };

  const fits = (candidate: string): boolean => measure(kind, candidate, options).ok;
  const tokens = tokenize(body, kind, fits);
  if (!Array.isArray(tokens)) return tokens;

  let total = 2;
  for (let round = 0; round < 8; round++) {
    const spans = pack(body, tokens, total, fits);
    if (spans.length > MAX_THREAD_POSTS) {
      return {
        ok: false,
        code: 'too_many_posts',
        message: `This would need more than ${MAX_THREAD_POSTS} ${channelDisplayName(kind)} posts. Shorten the text.`,
      };
    }
    // Packed for `total` posts; a smaller count has a suffix no wider, so every post still fits.
    if (spans.length <= total) {
      const posts = spans.map((s, i) => slice(body, tokens, s) + threadSuffix(i + 1, spans.length));
      if (posts.every(fits)) return { ok: true, posts };
    }
    total = Math.max(spans.length, total + 1);
  }
  return {
    ok: false,
    code: 'unsplittable',
    message: `The text could not be split into ${channelDisplayName(kind)} posts.`,
  };
}

function slice(body: string, tokens: Token[], span: Span): string {
  const first = tokens[span.from];
  const last = tokens[span.to];
  return first && last ? body.slice(first.start, last.end) : '';
}

/**
 * Whitespace-separated tokens, each marked when a sentence ends after it. A
 * token that cannot fit in a post even alone is split at word boundaries (or
 * grapheme boundaries) unless it contains a URL, which makes the text
 * unsplittable.
 */
function tokenize(body: string, kind: SocialKind, fits: (s: string) => boolean): Token[] | ThreadResult {
  const urls = findUrls(body, { withoutScheme: true });
  const ends = sentenceEnds(body);
  const worst = threadSuffix(MAX_THREAD_POSTS, MAX_THREAD_POSTS);
  const tokens: Token[] = [];
  for (const match of body.matchAll(/\S+/g)) {
    const start = match.index;
    const end = start + match[0].length;
    const sentenceEnd = ends.has(end);
    if (fits(match[0] + worst)) {
      tokens.push({ start, end, sentenceEnd });
      continue;
    }
    if (urls.some((u) => u.start < end && u.end > start)) {
      return {
        ok: false,
        code: 'unsplittable',
        token: match[0],
        message: `A link is too long to fit in one ${channelDisplayName(kind)} post, even on its own. Use a shorter link.`,
      };
    }
    const pieces = splitLongWord(match[0], (piece) => fits(piece + worst));
    let at = start;
    pieces.forEach((piece, i) => {
      tokens.push({ start: at, end: at + piece.length, sentenceEnd: i === pieces.length - 1 && sentenceEnd });
      at += piece.length;
    });
  }
  return tokens;
}

const words = new Intl.Segmenter('en-GB', { granularity: 'word' });
const graphemes = new Intl.Segmenter('en-GB', { granularity: 'grapheme' });
const sentences = new Intl.Segmenter('en-GB', { granularity: 'sentence' });

/** Offsets where a sentence's text ends (before its trailing whitespace). */
function sentenceEnds(body: string): Set<number> {
  const ends = new Set<number>();
  for (const s of sentences.segment(body)) ends.add(s.index + s.segment.trimEnd().length);
  return ends;
}

/** Cuts one over-long word (no spaces, no URL: a long run of CJK, say) into pieces that fit. */
function splitLongWord(word: string, fits: (s: string) => boolean): string[] {
  const units: string[] = [];
  for (const w of words.segment(word)) {
    if (fits(w.segment)) units.push(w.segment);
    else for (const g of graphemes.segment(w.segment)) units.push(g.segment);
  }
  const pieces: string[] = [];
  let current = '';
  for (const unit of units) {
    if (current && !fits(current + unit)) {
      pieces.push(current);
      current = '';
    }
    current += unit;
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * Greedy packing for a thread of `total` posts: whole sentences while they fit,
 * a sentence too long for one post word by word, and each post measured with
 * its own numbering.
 */
function pack(body: string, tokens: Token[], total: number, fits: (s: string) => boolean): Span[] {
  const spans: Span[] = [];
  let current: Span | undefined;
  const fitsAs = (from: number, to: number): boolean =>
    fits(slice(body, tokens, { from, to }) + threadSuffix(spans.length + 1, total));

  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (!tokens[i]?.sentenceEnd && i < tokens.length - 1) continue;
    const end = i;
    if (current && fitsAs(current.from, end)) {
      current.to = end;
    } else {
      if (current) spans.push(current);
      current = undefined;
      if (fitsAs(start, end)) {
        current = { from: start, to: end };
      } else {
        for (let t = start; t <= end; t++) {
          if (current && fitsAs(current.from, t)) {
            current.to = t;
          } else {
            if (current) spans.push(current);
            current = { from: t, to: t };
          }
        }
      }
    }
    start = i + 1;
  }
  if (current) spans.push(current);
  return spans;
}
