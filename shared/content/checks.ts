import { channelDisplayName, type SocialKind } from '../channels/kinds.ts';
import { measure, type MeasureOptions } from '../channels/limits.ts';
import { findHashtags, findUrls } from '../channels/text.ts';
import type { Doc } from './doc.ts';
import { placesOf, type Place } from './checks-places.ts';
import { imagesOf } from './images.ts';
import { allCapsWords, emojiCount, isHashtagNotCamelCase, readingAge, sentencesOf, wordsOf } from './checks-text.ts';

/**
 * GOV.UK-style content checks. Each finding names its place ("title",
 * "paragraph 3", "X post 2") so the checklist can say where to look. Blocking
 * findings stop an update going out; advice does not.
 */

export type Severity = 'blocking' | 'advice';

export type Finding = {
  /** Stable for the same problem in the same place, for list keys and "dismissed" state. */
  id: string;
  severity: Severity;
  /** Plain English: what is wrong. */
  message: string;
  where: string;
  /** Plain English: what to do about it. */
  fix?: string;
};

export type CheckInput = {
  title: string;
  summary: string;
  body: Doc;
  /** Images of the update, in order; when left out, they are read from the body's image nodes (`imagesOf`). */
  images?: { alt: string; name?: string }[];
};

/** The channel text to check as it will be sent: posts for social kinds, the subject or title otherwise. */
export type CheckVariant =
  { kind: SocialKind; posts: string[] } | { kind: 'email'; subject: string } | { kind: 'website'; title: string };

export const MAX_SENTENCE_WORDS = 25;
export const MAX_READING_AGE = 11;
export const MAX_EMOJI_PER_POST = 2;

/** Link texts that do not say where the link goes (compared without case or end punctuation). */
const VAGUE_LINK_TEXT = new Set([
  'click here',
  'click',
  'here',
  'this link',
  'link',
  'read more',
  'more',
  'learn more',
  'find out more',
  'more information',
  'more info',
  'this page',
  'this',
]);

/**
 * Runs every check over the master content and, when given, the channel
 * variants. Blocking findings come first, then advice, each in reading order.
 */
export function checkContent(
  input: CheckInput,
  variants: CheckVariant[] = [],
  options: MeasureOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const ids = new Map<string, number>();
  const add = (check: string, severity: Severity, where: string, message: string, fix?: string): void => {
    // One insecure-link finding per place is enough, however many http: addresses it has.
    if (check === 'insecure-link' && ids.has(`${check}:${slugOf(where)}`)) return;
    const base = `${check}:${slugOf(where)}`;
    const n = (ids.get(base) ?? 0) + 1;
    ids.set(base, n);
    findings.push({ id: n === 1 ? base : `${base}:${n}`, severity, message, where, ...(fix ? { fix } : {}) });
  };

  const images: { alt: string; name?: string }[] = input.images ?? imagesOf(input.body);
  images.forEach((image, i) => {
    if (image.alt.trim().length > 0) return;
    const name = image.name ? ` (${image.name})` : '';
    add(
      'missing-alt-text',
      'blocking',
      `image ${i + 1}`,
      `Image ${i + 1}${name} has no alt text.`,
      'Describe what the image shows for people who cannot see it.',
    );
  });

  const places = placesOf(input.body);
  checkLinks(places, add);
  checkHeadings(places, add);

  const prose: { where: string; text: string }[] = [
    { where: 'title', text: input.title },
    { where: 'summary', text: input.summary },
    ...places,
  ];
  for (const place of prose) {
    const caps = allCapsWords(place.text);
    if (caps.length > 0) {
      add(
        'all-caps',
        'advice',
        place.where,
        `Words in capitals are harder to read: ${caps.map((w) => `"${w}"`).join(', ')}.`,
        'Write them in lower case. Use bold for emphasis, sparingly.',
      );
    }
    if (/\bhttp:\/\//i.test(place.text)) insecure(add, place.where);
  }
  for (const place of prose.filter((p) => p.where !== 'title' && !p.where.startsWith('heading'))) {
    for (const sentence of sentencesOf(place.text)) {
      const count = wordsOf(sentence).length;
      if (count <= MAX_SENTENCE_WORDS) continue;
      add(
        'long-sentence',
        'advice',
        place.where,
        `A sentence has ${count} words ("${opening(sentence)}…"). Aim for ${MAX_SENTENCE_WORDS} or fewer.`,
        'Split it into shorter sentences.',
      );
    }
  }

  const estimate = readingAge([input.summary, ...places.filter((p) => p.kind !== 'heading').map((p) => p.text)]);
  if (estimate && Math.round(estimate.age) > MAX_READING_AGE) {
    add(
      'reading-age',
      'advice',
      'summary and body',
      `The estimated reading age is ${Math.round(estimate.age)}. Aim for 9 to ${MAX_READING_AGE}.`,
      'Use shorter sentences and everyday words.',
    );
  }

  for (const variant of variants) checkVariant(variant, options, add);

  return [...findings.filter((f) => f.severity === 'blocking'), ...findings.filter((f) => f.severity === 'advice')];
}

type Add = (check: string, severity: Severity, where: string, message: string, fix?: string) => void;

function checkLinks(places: Place[], add: Add): void {
  for (const place of places) {
    for (const link of place.links) {
      const text = link.text.trim();
      if (text.length === 0) {
        add(
          'empty-link',
          'blocking',
          place.where,
          `A link to ${link.href} has no text, so nobody can see or hear it.`,
          'Give the link words that say where it goes, or remove it.',
        );
        continue;
      }
      const plain = text.toLowerCase().replace(/[.,:;!?…]+$/u, '');
      if (VAGUE_LINK_TEXT.has(plain)) {
        add(
          'vague-link-text',
          'advice',
          place.where,
          `The link text "${text}" does not say where the link goes.`,
          'Use words that describe the page, like "bin collection dates".',
        );
      }
      if (/^http:/i.test(link.href)) insecure(add, place.where);
    }
  }
}

function checkHeadings(places: Place[], add: Add): void {
  let seenH2 = false;
  for (const place of places) {
    if (place.level === 2) seenH2 = true;
    if (place.level === 3 && !seenH2) {
      add(
        'skipped-heading-level',
        'advice',
        place.where,
        'This is a level 3 heading with no level 2 heading before it.',
        'Make it a level 2 heading, or add a level 2 heading above it.',
      );
    }
  }
}

function insecure(add: Add, where: string): void {
  add(
    'insecure-link',
    'advice',
    where,
    'A link starts with "http:", which is not secure.',
    'Use the "https:" address if the site has one.',
  );
}

function checkVariant(variant: CheckVariant, options: MeasureOptions, add: Add): void {
  if (variant.kind === 'email' || variant.kind === 'website') {
    const text = variant.kind === 'email' ? variant.subject : variant.title;
    const where = variant.kind === 'email' ? 'email subject' : 'website title';
    const m = measure(variant.kind, text, options);
    if (m.warning) add(variant.kind === 'email' ? 'long-subject' : 'long-title', 'advice', where, m.warning);
    return;
  }
  const name = channelDisplayName(variant.kind);
  variant.posts.forEach((post, i) => {
    const where = variant.posts.length === 1 ? `${name} post` : `${name} post ${i + 1}`;
    const m = measure(variant.kind, post, options);
    if (!m.ok) {
      const detail =
        m.exceeded === 'bytes' && m.bytes
          ? `${m.bytes.used} bytes; the limit is ${m.bytes.limit}`
          : m.exceeded === 'characters'
            ? 'a character the network does not allow'
            : `${m.used} characters; the limit is ${m.limit}`;
      add('over-limit', 'blocking', where, `${where} has ${detail}.`, 'Shorten it or split it into a thread.');
    }
    const tags = findHashtags(post).filter(isHashtagNotCamelCase);
    if (tags.length > 0) {
      add(
        'hashtag-case',
        'advice',
        where,
        `Write hashtags in CamelCase so screen readers can read them: ${tags.map((t) => `#${t}`).join(', ')}.`,
        'Start each word with a capital letter, like #RoadClosure.',
      );
    }
    const emoji = emojiCount(post);
    if (emoji > MAX_EMOJI_PER_POST) {
      add(
        'too-many-emoji',
        'advice',
        where,
        `${where} has ${emoji} emoji. Screen readers read each one out by name.`,
        `Use no more than ${MAX_EMOJI_PER_POST}.`,
      );
    }
    if (findUrls(post, { withoutScheme: false }).some((u) => /^http:/i.test(u.url))) insecure(add, where);
  });
}

function slugOf(where: string): string {
  return where.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function opening(sentence: string): string {
  return wordsOf(sentence).slice(0, 6).join(' ');
}
