import { mediaIdOf, type BlockNode, type Doc } from './doc.ts';

/** One image of a body, in reading order, with the name a person would use for it. */
export type BodyImage = {
  /** "image 1", "image 2", …: the place named by content-check findings. */
  where: string;
  mediaId: string;
  alt: string;
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
        images.push({ where: `image ${images.length + 1}`, mediaId: mediaIdOf(block.attrs.src), alt: block.attrs.alt });
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
