import { z } from 'zod';
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from '../media/image-type.ts';
import { method } from './method.ts';

/** A media id: the sha256 of the bytes, in lower-case hex (so the same image is stored once). */
export const MediaId = z.string().regex(/^[0-9a-f]{64}$/, 'A media id is 64 lower-case hex digits');

/**
 * Base64 a little over the 10 MB image limit is let through, so that the core
 * can say how big the image is; far beyond that the input itself is refused.
 */
const MAX_BASE64_CHARS = Math.ceil((MAX_IMAGE_BYTES * 1.2) / 3) * 4;

export const AddMedia = z.object({
  /** The file's name, only for messages: the type comes from the bytes. */
  name: z.string().max(255).default(''),
  /** What the picker said the type is; ignored for storage (the bytes decide). */
  type: z.string().max(100).default(''),
  dataBase64: z
    .string()
    .min(1, 'The file is empty')
    .max(MAX_BASE64_CHARS, `This image is over 12 MB. The largest image Town Crier accepts is 10 MB.`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The file data is not base64'),
});

export const MediaInfo = z.object({
  id: MediaId,
  type: z.enum(IMAGE_TYPES),
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type MediaInfo = z.infer<typeof MediaInfo>;

export const MediaData = z.object({ id: MediaId, type: z.enum(IMAGE_TYPES), dataBase64: z.string() });
export type MediaData = z.infer<typeof MediaData>;

export const mediaMethods = {
  'media.add': method(
    AddMedia,
    MediaInfo,
    'Store an image (PNG, JPEG, GIF or WebP, up to 10 MB); the same bytes are stored once',
  ),
  'media.get': method(z.object({ id: MediaId }), MediaData, "An image's bytes and type"),
} as const;
