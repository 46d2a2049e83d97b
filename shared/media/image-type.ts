/**
 * What kind of image a file really is, read from its first bytes (never from
 * its name or declared type, which anyone can change), and the size limit.
 * Browser-safe: the editor checks before uploading, the core checks again.
 */

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const MEGABYTE = 1024 * 1024;

export type SniffedImage = { type: ImageType; width?: number; height?: number };

/** "12.4 MB": megabytes to one decimal place, rounded up so an image just over the limit never reads as the limit. */
export function formatMegabytes(bytes: number): string {
  const tenths = Math.ceil((bytes / MEGABYTE) * 10) / 10;
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)} MB`;
}

/** The refusal for an image over the limit, naming its size and the limit, or null when it fits. */
export function imageTooLargeMessage(bytes: number): string | null {
  if (bytes <= MAX_IMAGE_BYTES) return null;
  return `This image is ${formatMegabytes(bytes)}. The largest image Town Crier accepts is ${formatMegabytes(MAX_IMAGE_BYTES)}.`;
}

/** The refusal for a file whose bytes are not one of our image types. */
export function notAnImageMessage(name: string): string {
  const shown = name.trim() ? `"${name.trim().slice(0, 120)}"` : 'This file';
  return `${shown} is not a PNG, JPEG, GIF or WebP image (its contents are not in any of those formats). Choose an image saved in one of them.`;
}

const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0): boolean =>
  sig.every((b, i) => bytes[at + i] === b);
const u16be = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u16le = (b: Uint8Array, i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, i: number): number => u16le(b, i) | ((b[i + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, i: number): number => u16be(b, i) * 65536 + u16be(b, i + 2);

/** The image type from the magic bytes, with the pixel size where the header gives it; null for anything else. */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return withSize('image/png', bytes.length >= 24 ? [u32be(bytes, 16), u32be(bytes, 20)] : undefined);
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return withSize('image/jpeg', jpegSize(bytes));
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) {
    return withSize('image/gif', bytes.length >= 10 ? [u16le(bytes, 6), u16le(bytes, 8)] : undefined);
  }
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return withSize('image/webp', webpSize(bytes));
  }
  return null;
}

function withSize(type: ImageType, size: [number, number] | undefined): SniffedImage {
  return size && size[0] > 0 && size[1] > 0 ? { type, width: size[0], height: size[1] } : { type };
}

function jpegSize(b: Uint8Array): [number, number] | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1] ?? 0;
    // Start-of-frame markers (not DHT C4, JPG C8 or DAC CC) carry the height then the width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return [u16be(b, i + 7), u16be(b, i + 5)];
    }
    i += 2 + u16be(b, i + 2);
  }
  return undefined;
}

function webpSize(b: Uint8Array): [number, number] | undefined {
  if (b.length < 30) return undefined;
  if (startsWith(b, [0x56, 0x50, 0x38, 0x20], 12)) return [u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff];
  if (startsWith(b, [0x56, 0x50, 0x38, 0x4c], 12)) {
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
    return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
  }
  if (startsWith(b, [0x56, 0x50, 0x38, 0x58], 12)) return [u24le(b, 24) + 1, u24le(b, 27) + 1];
  return undefined;
}
