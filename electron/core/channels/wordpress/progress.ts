import { z } from 'zod';
import type { DeliveryProgress } from '../adapter.ts';

/**
 * What a WordPress delivery has done so far, kept in the delivery row
 * (`ctx.progress`): the images already uploaded (so a retry does not upload
 * them again), the categories and tags found or made (so a retry makes
 * none twice), whether the post was asked for (so a retry looks for it
 * before asking again), and the post once WordPress confirmed it.
 */

const Uploaded = z.object({ id: z.number(), url: z.string() });

export const WordPressProgress = z.object({
  media: z.record(z.string(), Uploaded).default({}),
  /** Category and tag ids found or made for this delivery, by `tags:<name>` / `categories:<name>` (lower case). */
  terms: z.record(z.string(), z.number()).default({}),
  postRequested: z.boolean().default(false),
  post: z.object({ id: z.number(), link: z.string() }).optional(),
});
export type WordPressProgress = z.infer<typeof WordPressProgress>;

const EMPTY: WordPressProgress = { media: {}, terms: {}, postRequested: false };

/**
 * A delivery's notes, read once per attempt. Without `ctx.progress` (a direct
 * call outside the worker) the notes live only for this attempt. A record
 * that cannot be read counts as nothing done, except that the post is then
 * looked for before another is made.
 */
export async function openProgress(store: DeliveryProgress | undefined) {
  let current: WordPressProgress = { ...EMPTY, media: {}, terms: {} };
  if (store) {
    const raw = await store.get();
    if (raw !== null && raw !== undefined) {
      const parsed = WordPressProgress.safeParse(raw);
      current = parsed.success ? parsed.data : { media: {}, terms: {}, postRequested: true };
    }
  }
  return {
    get: (): WordPressProgress => current,
    async update(change: Partial<WordPressProgress>): Promise<void> {
      current = { ...current, ...change };
      await store?.set(current);
    },
  };
}
