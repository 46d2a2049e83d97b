import { z } from 'zod';

/** The shapes of X's v2 answers that the adapter reads (validated, never trusted). */

export const UsersMe = z.object({ data: z.object({ id: z.string(), username: z.string() }) });

export const CreatedTweet = z.object({ data: z.object({ id: z.string().regex(/^\d+$/), text: z.string() }) });

export const MediaInitialized = z.object({ data: z.object({ id: z.string().regex(/^\d+$/) }) });

/** Append answers with nothing useful (or an empty object); anything is accepted. */
export const MediaAppended = z.unknown();

export const MediaFinalized = z.object({
  data: z.object({
    id: z.string(),
    processing_info: z.object({ state: z.string() }).loose().optional(),
  }),
});

export const MediaMetadata = z.object({ data: z.object({ id: z.string() }).loose() }).loose();

/** What the X adapter records on its delivery: the posts of this version's thread that are already out. */
export const ThreadProgress = z.object({ contentHash: z.string(), posted: z.array(z.string()) });
export type ThreadProgress = z.infer<typeof ThreadProgress>;

/** The public address of a post; X redirects it to the author's own path. */
export function xPostUrl(id: string): string {
  return `https://x.com/i/web/status/${id}`;
}
