import { z } from 'zod';
import { ChannelKind } from '../channels/kinds.ts';

/**
 * Per-channel variants of an update. A variant inherits everything from the
 * master until someone edits a field; only the edited fields are stored, so a
 * master edit flows into every field nobody touched. "Reset to master" removes
 * the stored fields.
 */
export const SocialVariant = z
  .object({
    /** The whole post text as edited; absent = derived from the master. */
    text: z.string().max(20_000).optional(),
    /** The officer chose to send an over-long text as a numbered thread. */
    thread: z.boolean().optional(),
  })
  .strict();
export type SocialVariant = z.infer<typeof SocialVariant>;

export const EmailVariant = z
  .object({
    subject: z.string().max(300).optional(),
    preheader: z.string().max(300).optional(),
  })
  .strict();
export type EmailVariant = z.infer<typeof EmailVariant>;

export const WebsiteVariant = z.object({ title: z.string().max(300).optional() }).strict();
export type WebsiteVariant = z.infer<typeof WebsiteVariant>;

export const Variants = z
  .object({
    website: WebsiteVariant.optional(),
    email: EmailVariant.optional(),
    x: SocialVariant.optional(),
    bluesky: SocialVariant.optional(),
    mastodon: SocialVariant.optional(),
  })
  .strict();
export type Variants = z.infer<typeof Variants>;

/** The channels an update goes to, each once, in the fixed display order. */
export const Channels = z
  .array(ChannelKind)
  .max(5)
  .refine((list) => new Set(list).size === list.length, 'A channel can be chosen only once')
  .transform((list) => ChannelKind.options.filter((k) => list.includes(k)));
export type Channels = z.infer<typeof Channels>;

/** What a new update goes to until someone changes it (as in the compose wireframe). */
export const DEFAULT_CHANNELS: Channels = ['website', 'email', 'x', 'bluesky'];
