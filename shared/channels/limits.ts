import { channelDisplayName, type ChannelKind } from './kinds.ts';
import { findUrls, graphemeCount, utf8Length, xWeightedLength } from './text.ts';

/**
 * Exact length rules for each channel. The editor's counters and the core's
 * check before sending both call `measure`, so a post that shows green is one
 * the network accepts.
 */

export const X_LIMIT = 280;
export const BLUESKY_GRAPHEME_LIMIT = 300;
export const BLUESKY_BYTE_LIMIT = 3000;
export const MASTODON_DEFAULT_LIMIT = 500;
/** Mastodon swaps every http(s) URL for 23 placeholder characters before counting. */
export const MASTODON_URL_LENGTH = 23;
/** RFC 5322's recommended line length; longer subjects are cut off in many inboxes. */
export const EMAIL_SUBJECT_ADVICE = 78;
/** Search engines show roughly 60–65 characters of a page title before cutting it. */
export const WEBSITE_TITLE_ADVICE = 65;

/** What `used` counts: X's weights, or grapheme clusters (what a person sees as one character). */
export type MeasureUnit = 'weighted characters' | 'graphemes';

export type MeasureOptions = {
  /** The Mastodon instance's own limit (from /api/v2/instance), when known. */
  mastodonLimit?: number;
};

export type Measurement = {
  used: number;
  limit: number;
  /** May be negative: how far over the limit the text is. */
  remaining: number;
  /** False only for hard limits (X, Bluesky, Mastodon). Email and website limits are advice. */
  ok: boolean;
  unit: MeasureUnit;
  /** True when the limit is advice (email subject, website title) and never blocks sending. */
  advisory: boolean;
  /** Which rule failed when `ok` is false. */
  exceeded?: 'length' | 'bytes' | 'characters';
  /** UTF-8 size, for Bluesky's second (byte) limit. */
  bytes?: { used: number; limit: number };
  /** Plain-English reason when `ok` is false. */
  message?: string;
  /** Plain-English advice when an advisory limit is passed. */
  warning?: string;
};

/** The limit that applies to a kind, so adapters and counters can show it before any text exists. */
export function limitFor(kind: ChannelKind, options: MeasureOptions = {}): number {
  switch (kind) {
    case 'x':
      return X_LIMIT;
    case 'bluesky':
      return BLUESKY_GRAPHEME_LIMIT;
    case 'mastodon':
      return mastodonLimitFrom(options);
    case 'email':
      return EMAIL_SUBJECT_ADVICE;
    case 'website':
      return WEBSITE_TITLE_ADVICE;
  }
}

/**
 * Measures a post (X, Bluesky, Mastodon), an email subject or a website title
 * the way the destination counts it. One function for the counter and the
 * pre-send validation, so the two can never disagree.
 */
export function measure(kind: ChannelKind, text: string, options: MeasureOptions = {}): Measurement {
  switch (kind) {
    case 'x':
      return measureX(text);
    case 'bluesky':
      return measureBluesky(text);
    case 'mastodon':
      return measureMastodon(text, mastodonLimitFrom(options));
    case 'email':
      return advisory(graphemeCount(text), EMAIL_SUBJECT_ADVICE, 'subject', 'Some inboxes cut off longer subjects.');
    case 'website':
      return advisory(graphemeCount(text), WEBSITE_TITLE_ADVICE, 'title', 'Search results cut off longer titles.');
  }
}

/**
 * The limits that let a post go to every one of several channels: the
 * smallest known limit of each kind (two Mastodon accounts on different
 * instances, say). A kind no channel told us of keeps its default.
 */
export function strictestLimits(known: readonly MeasureOptions[]): MeasureOptions {
  const mastodon = known
    .map((k) => k.mastodonLimit)
    .filter((n): n is number => n !== undefined && Number.isInteger(n) && n > 0);
  return mastodon.length > 0 ? { mastodonLimit: Math.min(...mastodon) } : {};
}

function mastodonLimitFrom(options: MeasureOptions): number {
  const limit = options.mastodonLimit;
  return limit !== undefined && Number.isInteger(limit) && limit > 0 ? limit : MASTODON_DEFAULT_LIMIT;
}

/**
 * X: twitter-text's parseTweet with the current (v3) configuration. It
 * normalises to NFC, counts any URL (with or without a scheme, e.g.
 * example.gov.uk) as 23, any emoji sequence as 2, code points up to U+10FF
 * and some punctuation as 1, and everything else (CJK, for one) as 2.
 */
function measureX(text: string): Measurement {
  const { weighted, invalidCharacters } = xWeightedLength(text);
  const base = hard(weighted, X_LIMIT, 'weighted characters', 'x');
  if (!invalidCharacters || !base.ok) return base;
  return {
    ...base,
    ok: false,
    exceeded: 'characters',
    message: 'X post contains a character X does not allow (U+FFFE, U+FEFF or U+FFFF). Remove it.',
  };
}

/**
 * Bluesky: the app.bsky.feed.post lexicon caps `text` at 300 graphemes and
 * 3,000 UTF-8 bytes. The text is counted as posted, so a URL counts in full
 * (the official app shortens long link text before posting; we send it whole).
 */
function measureBluesky(text: string): Measurement {
  const base = hard(graphemeCount(text), BLUESKY_GRAPHEME_LIMIT, 'graphemes', 'bluesky');
  const bytes = { used: utf8Length(text), limit: BLUESKY_BYTE_LIMIT };
  if (!base.ok || bytes.used <= bytes.limit) return { ...base, bytes };
  return {
    ...base,
    bytes,
    ok: false,
    exceeded: 'bytes',
    message: `Bluesky post is ${bytes.used} bytes. The limit is ${bytes.limit} bytes: shorten it.`,
  };
}

/**
 * Mastodon, as its StatusLengthValidator does: every http(s) URL becomes 23
 * characters (a bare domain without a scheme is not a URL and counts as
 * typed), a remote mention `@name@server` counts as `@name`, and the result is
 * counted in grapheme clusters (`each_grapheme_cluster.size` on the server;
 * the web composer's counter agrees). So a family emoji is 1, not 7 code
 * points. URL detection is twitter-text's with the scheme required, the same
 * regex pieces Mastodon's own composer uses.
 */
function measureMastodon(text: string, limit: number): Measurement {
  return hard(graphemeCount(mastodonCountableText(text)), limit, 'graphemes', 'mastodon');
}

const REMOTE_MENTION = /(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9.-]+[a-z0-9]+)/gi;

/** The text Mastodon actually counts: URLs as 23 x's, remote mentions without their server. */
export function mastodonCountableText(text: string): string {
  let out = '';
  let at = 0;
  for (const url of findUrls(text, { withoutScheme: false })) {
    out += text.slice(at, url.start) + 'x'.repeat(MASTODON_URL_LENGTH);
    at = url.end;
  }
  out += text.slice(at);
  return out.replace(REMOTE_MENTION, '$1@$3');
}

function hard(used: number, limit: number, unit: MeasureUnit, kind: ChannelKind): Measurement {
  const ok = used <= limit;
  const m: Measurement = { used, limit, remaining: limit - used, ok, unit, advisory: false };
  if (ok) return m;
  const noun = unit === 'graphemes' ? 'characters' : unit;
  return {
    ...m,
    exceeded: 'length',
    message: `${channelDisplayName(kind)} post is ${used} ${noun}. The limit is ${limit}: shorten it or split it into a thread.`,
  };
}

function advisory(used: number, limit: number, what: string, why: string): Measurement {
  const m: Measurement = { used, limit, remaining: limit - used, ok: true, unit: 'graphemes', advisory: true };
  if (used <= limit) return m;
  return { ...m, warning: `The ${what} is ${used} characters. Try to keep it to ${limit} or fewer. ${why}` };
}
