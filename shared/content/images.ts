import { mediaIdOf, type BlockNode, type Doc } from './doc.ts';

/** One image of a body, in reading order, with the name a person would use for it. */
export type BodyImage = {
  /** "image 1", "image 2", …: the place named by content-check findings. */
  where: string;
  mediaId: string;
  alt: string;
  /** The caption shown under the image on the website and in email, when there is one. */
  caption?: string;
};

/**
 * Every image in a body, in reading order (inside lists and quotes too). The
 * editor's previews, the content checks and the core's pre-send check all use
 * it, so "image 2" means the same image everywhere.
 */
export function imagesOf(doc: Doc): BodyImage[] {
  const images: BodyImage[] = [];
  const visit = (block: BlockNode): void => {
    switch (block.type) {
      case 'image':
        images.push({
          where: `image ${images.length + 1}`,
          mediaId: mediaIdOf(block.attrs.src),
          alt: block.attrs.alt,
          ...(block.attrs.caption ? { caption: block.attrs.caption } : {}),
        });
        return;
      case 'bulletList':
      case 'orderedList':
        for (const item of block.content) item.content.forEach(visit);
        return;
      case 'blockquote':
        block.content.forEach(visit);
        return;
      default:
        return;
    }
  };
  doc.content.forEach(visit);
  return images;
}

/** The distinct media ids a body uses, for loading their bytes once each. */
export function mediaIdsOf(doc: Doc): string[] {
  return [...new Set(imagesOf(doc).map((i) => i.mediaId))];
}

/**
 * The description a social network shows for an image (its alt text field).
 * A social post has no caption under its images, so the caption is added to
 * the alt text as "Caption: …" when both fit in the network's limit; when
 * they do not, the alt text alone is sent (it is what a blind reader needs).
 */
export function socialImageDescription(image: Pick<BodyImage, 'alt' | 'caption'>, limit: number): string {
  const alt = image.alt.trim();
  const caption = image.caption?.trim();
  if (!caption) return alt;
  const joined = alt ? `${alt.replace(/[.!?]?$/, (end) => end || '.')} Caption: ${caption}` : `Caption: ${caption}`;
  return [...joined].length <= limit ? joined : alt;
}
