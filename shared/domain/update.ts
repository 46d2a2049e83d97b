import { z } from 'zod';
import { DocSchema } from '../content/doc.ts';
import { ReviewState } from './review-state.ts';
import { Channels, DEFAULT_CHANNELS, Variants } from './variants.ts';

export const UpdateId = z.uuid({ message: 'Must be an update id' });

export const Title = z.string().trim().max(200, 'A title can be at most 200 characters');
export const Summary = z.string().trim().max(600, 'A summary can be at most 600 characters');
const IsoTime = z.iso.datetime({ offset: true });

/** The master content of one service update, as last saved. */
export const Update = z.object({
  id: UpdateId,
  title: z.string(),
  summary: z.string(),
  body: DocSchema,
  /** The channels this update goes to. */
  channels: Channels,
  /** Per-channel edits; anything not here is derived from the master. */
  variants: Variants,
  /** Derived from `body` by the shared renderer; never accepted from a client. */
  bodyHtml: z.string(),
  /** Increases by one on every save; a save must name the revision it started from. */
  revision: z.number().int().positive(),
  /** sha256 of the canonical title, summary and body. Approvals bind to it. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Where it is in the four-eyes flow; any edit takes it back to draft. */
  reviewState: ReviewState,
  /** Labels such as "Corporate" (a tag can require two approvals). Not part of the content hash. */
  tags: z.array(z.string()),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Update = z.infer<typeof Update>;

export const UpdateSummary = z.object({
  id: UpdateId,
  title: z.string(),
  summary: z.string(),
  excerpt: z.string(),
  revision: z.number().int().positive(),
  reviewState: ReviewState,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type UpdateSummary = z.infer<typeof UpdateSummary>;

export const CreateUpdate = z.object({
  title: Title.default(''),
  summary: Summary.default(''),
  body: DocSchema.optional(),
  channels: Channels.default(DEFAULT_CHANNELS),
  variants: Variants.default({}),
});

export const SaveUpdate = z.object({
  id: UpdateId,
  baseRevision: z.number().int().positive(),
  title: Title,
  summary: Summary,
  body: DocSchema,
  /** Absent: unchanged. */
  channels: Channels.optional(),
  /** Absent: unchanged. */
  variants: Variants.optional(),
});

export const ListUpdates = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  search: z.string().trim().max(200).optional(),
});

export const UpdatePage = z.object({
  items: z.array(UpdateSummary),
  nextCursor: z.string().nullable(),
});

/** One saved revision in an update's history. */
export const UpdateVersionSummary = z.object({
  revision: z.number().int().positive(),
  title: z.string(),
  contentHash: z.string(),
  savedAt: IsoTime,
});
export type UpdateVersionSummary = z.infer<typeof UpdateVersionSummary>;

/** A saved revision's full content, as it was. */
export const UpdateVersion = UpdateVersionSummary.extend({
  updateId: UpdateId,
  summary: z.string(),
  body: DocSchema,
  channels: Channels,
  variants: Variants,
  bodyHtml: z.string(),
});
export type UpdateVersion = z.infer<typeof UpdateVersion>;

export const VersionRef = z.object({ id: UpdateId, revision: z.number().int().positive() });

export const RestoreVersion = VersionRef.extend({
  /** The revision the editor has open; restoring over a newer one is a conflict. */
  baseRevision: z.number().int().positive(),
});
