import type { Variants } from '../domain/variants.ts';
import { channelDisplayName, type ChannelKind, type SocialKind } from './kinds.ts';
import { measure, type Measurement } from './limits.ts';
import { renderEmail, type RenderedEmail } from './render/email.ts';
import type { RenderInput } from './render/input.ts';
import { socialText } from './render/social.ts';
import { renderWebsiteArticle, type WebsiteArticle } from './render/website.ts';
import { splitIntoThread } from './thread.ts';

export type VariantOptions = {
  organisationName: string;
  /** The website article's address once known (or the address it will have); social posts and emails link to it. */
  websiteUrl?: string;
  unsubscribeUrl?: string;
  mastodonLimit?: number;
  /** Where body images load from (see `docToHtml`); social posts carry no body images. */
  imageSrc?: (mediaId: string) => string;
};

export type RenderedSocialVariant = {
  kind: SocialKind;
  edited: boolean;
  /** The text as one post: derived from the master, or as edited. */
  text: string;
  measure: Measurement;
  /** What will be sent: one post, or the numbered thread the officer chose. */
  posts: string[];
  threaded: boolean;
  /** Set when the text is over the limit and will not go as it is. */
  problem?: string;
  /** True when splitting would make every post fit (so the UI can offer it). */
  canSplit: boolean;
};

export type RenderedVariant =
  | { kind: 'website'; edited: boolean; article: WebsiteArticle }
  | { kind: 'email'; edited: boolean; email: RenderedEmail; subjectMeasure: Measurement }
  | RenderedSocialVariant;

/**
 * Renders one channel's variant exactly as it will be sent. The previews, the
 * content checks, the approval hash and the senders all call this, so what a
 * person reviews is what goes out.
 */
export function renderVariant(
  kind: ChannelKind,
  master: RenderInput,
  variants: Variants,
  options: VariantOptions,
): RenderedVariant {
  switch (kind) {
    case 'website': {
      const override = variants.website;
      const article = renderWebsiteArticle(
        { ...master, title: override?.title ?? master.title },
        options.imageSrc ? { imageSrc: options.imageSrc } : {},
      );
      return { kind, edited: override?.title !== undefined, article };
    }
    case 'email': {
      const override = variants.email;
      const email = renderEmail(master, {
        organisationName: options.organisationName,
        ...(options.websiteUrl ? { websiteUrl: options.websiteUrl } : {}),
        ...(options.unsubscribeUrl ? { unsubscribeUrl: options.unsubscribeUrl } : {}),
        ...(override?.subject !== undefined ? { subject: override.subject } : {}),
        ...(override?.preheader !== undefined ? { preheader: override.preheader } : {}),
        ...(options.imageSrc ? { imageSrc: options.imageSrc } : {}),
      });
      return {
        kind,
        edited: override?.subject !== undefined || override?.preheader !== undefined,
        email,
        subjectMeasure: measure('email', email.subject),
      };
    }
    case 'x':
    case 'bluesky':
    case 'mastodon':
      return renderSocialVariant(kind, master, variants[kind] ?? {}, options);
  }
}

function renderSocialVariant(
  kind: SocialKind,
  master: RenderInput,
  override: { text?: string; thread?: boolean },
  options: VariantOptions,
): RenderedSocialVariant {
  const limits = options.mastodonLimit === undefined ? {} : { mastodonLimit: options.mastodonLimit };
  const text = override.text ?? socialText(master, options.websiteUrl ? { websiteUrl: options.websiteUrl } : {});
  const measured = measure(kind, text, limits);
  const edited = override.text !== undefined;
  if (measured.ok)
    return { kind, edited, text, measure: measured, posts: text ? [text] : [], threaded: false, canSplit: false };
  const thread = splitIntoThread(kind, text, limits);
  const name = channelDisplayName(kind);
  if (thread.ok && override.thread) {
    return { kind, edited, text, measure: measured, posts: thread.posts, threaded: true, canSplit: true };
  }
  const over = `${name} post is ${measured.used} ${measured.unit} of ${measured.limit}`;
  return {
    kind,
    edited,
    text,
    measure: measured,
    posts: [text],
    threaded: false,
    canSplit: thread.ok,
    problem: thread.ok
      ? `The ${over}. Shorten it, or split it into a numbered thread.`
      : `The ${over}, and it cannot be split: ${thread.message}`,
  };
}

/** Renders every chosen channel, in the fixed channel order. */
export function renderVariants(
  channels: readonly ChannelKind[],
  master: RenderInput,
  variants: Variants,
  options: VariantOptions,
): RenderedVariant[] {
  return channels.map((kind) => renderVariant(kind, master, variants, options));
}
