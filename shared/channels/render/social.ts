import { excerptOf } from '../../content/render.ts';
import type { SocialKind } from '../kinds.ts';
import { measure, type Measurement } from '../limits.ts';
import { splitIntoThread } from '../thread.ts';
import { isHttpUrl, oneLine, type RenderInput } from './input.ts';

/**
 * The default post for X, Bluesky and Mastodon, derived from the master: the
 * title, the summary (or the start of the body when there is none), the link
 * to the website article and any hashtags, one paragraph each. When it is over
 * the limit it becomes a numbered thread.
 */

export type SocialOptions = {
  /** The published article; it goes in the post so people can read the whole update. */
  websiteUrl?: string;
  /** The Mastodon instance's own limit, when known. */
  mastodonLimit?: number;
  /** Hashtags, with or without the leading #. Written as given: only a person knows the word breaks. */
  hashtags?: string[];
};

export type RenderedSocial = {
  /** The whole text, before any splitting: what the variant editor starts from. */
  text: string;
  /** What will be posted: one post, or a numbered thread whose posts each fit. */
  posts: string[];
  /** The measurement of `text` as one post. */
  measure: Measurement;
  /** Set when the text is over the limit and cannot be split (a link longer than a post, say). */
  error?: string;
};

export const SUMMARY_FALLBACK_LENGTH = 200;

/**
 * Renders the default social post for `kind`. The preview and the sender both
 * use it. When no valid thread exists, `posts` holds the over-long text and
 * `error` says why, so the counter shows red and the pre-send check refuses it.
 */
export function renderSocialPost(kind: SocialKind, input: RenderInput, options: SocialOptions = {}): RenderedSocial {
  const text = socialText(input, options);
  const limits = options.mastodonLimit === undefined ? {} : { mastodonLimit: options.mastodonLimit };
  const measured = measure(kind, text, limits);
  if (measured.ok) return { text, posts: text ? [text] : [], measure: measured };
  const thread = splitIntoThread(kind, text, limits);
  if (thread.ok) return { text, posts: thread.posts, measure: measured };
  return { text, posts: [text], measure: measured, error: thread.message };
}

/** The social text before splitting: title, summary, link and hashtags, separated by blank lines. */
export function socialText(input: RenderInput, options: SocialOptions = {}): string {
  const url = options.websiteUrl?.trim();
  if (url !== undefined && !isHttpUrl(url)) throw new RangeError('websiteUrl must be an http(s) URL');
  const summary = oneLine(input.summary) || excerptOf(input.body, SUMMARY_FALLBACK_LENGTH);
  const tags = (options.hashtags ?? []).map(normaliseHashtag).filter((t) => t.length > 1);
  return [oneLine(input.title), summary, url ?? '', [...new Set(tags)].join(' ')]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

/** "#Road Closure" and "RoadClosure" both become "#RoadClosure"; case is kept. */
export function normaliseHashtag(tag: string): string {
  return `#${tag.replace(/\s+/g, '').replace(/^#+/, '')}`;
}
