import { sniffImage } from '../../../../shared/media/image-type.ts';

/**
 * Images that arrive by pasting or dropping, before they go through the same
 * upload as "Insert image" (`useAddImage`: real type from the bytes, 10 MB).
 * Nothing here fetches anything: a picture on another website is never
 * loaded by the editor (it could track who opened the update, and the core
 * would refuse its address anyway), so those are only counted for a notice.
 */

/** The files a paste or drop carries (any type: the upload explains one that is not an image). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = Array.from(data.files ?? []);
  if (files.length > 0) return files;
  // Some sources put a copied picture in `items` only.
  return Array.from(data.items ?? [])
    .filter((item) => item.kind === 'file')
    .map((item) => item.getAsFile())
    .filter((file): file is File => file !== null);
}

/**
 * True when pasted HTML has words of its own. Word and some browsers put a
 * picture of the copied text on the clipboard beside its HTML; then the text
 * is what the person meant, not the picture.
 */
export function htmlHasText(html: string): boolean {
  const text = html
    .replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|&#160;|\s+/gi, '');
  return text.length > 0;
}

export type PastedHtmlImages = {
  /** `data:` images in the HTML, as files to upload (checked like any other). */
  embedded: File[];
  /** Images whose address is on another website (or anywhere else): left out, never fetched. */
  remote: number;
  /** Spacer and tracking pixels (2×2 or smaller) carried inside the HTML: left out, unseen anyway. */
  pixels: number;
};

/** The largest picture taken for a spacer or tracking pixel rather than something a reader should see. */
const PIXEL_SIZE = 2;

const IMG_TAG = /<img\b[^>]*>/gi;
const SRC_ATTR = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?),([\s\S]*)$/i;

/** Finds the images in pasted HTML without parsing it into a document (nothing loads, nothing runs). */
export function imagesInPastedHtml(html: string): PastedHtmlImages {
  const embedded: File[] = [];
  let remote = 0;
  let pixels = 0;
  for (const tag of html.match(IMG_TAG) ?? []) {
    const match = SRC_ATTR.exec(tag);
    const src = decodeEntities((match?.[1] ?? match?.[2] ?? match?.[3] ?? '').trim());
    const data = src ? dataUrlBytes(src) : null;
    if (!data) {
      remote++;
      continue;
    }
    const sniffed = sniffImage(data.bytes);
    if (sniffed?.width !== undefined && sniffed.width <= PIXEL_SIZE && (sniffed.height ?? 0) <= PIXEL_SIZE) {
      pixels++;
      continue;
    }
    embedded.push(new File([data.bytes], `pasted image ${embedded.length + 1}`, { type: data.type }));
  }
  return { embedded, remote, pixels };
}

/** The bytes of a `data:` URL as a file named "pasted image N", or null for any other address. */
export function fileFromDataUrl(url: string, n: number): File | null {
  const data = dataUrlBytes(url);
  return data ? new File([data.bytes], `pasted image ${n}`, { type: data.type }) : null;
}

function dataUrlBytes(url: string): { type: string; bytes: Uint8Array<ArrayBuffer> } | null {
  const parts = DATA_URL.exec(url);
  if (!parts) return null;
  const [, type = '', params = '', payload = ''] = parts;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    if (/;base64/i.test(params)) {
      const binary = atob(payload.replace(/\s+/g, ''));
      bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    } else {
      bytes = new TextEncoder().encode(decodeURIComponent(payload));
    }
  } catch {
    // Not valid base64 or percent-encoding: an empty file, which the upload explains is not an image.
    bytes = new Uint8Array(0);
  }
  return { type: type.toLowerCase(), bytes };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'");
}

/** The notice for pictures left out of a paste, or null when there were none. */
export function remoteImagesNotice(remote: number): string | null {
  if (remote === 0) return null;
  const what = remote === 1 ? '1 picture in what you pasted was' : `${remote} pictures in what you pasted were`;
  return `${what} left out: Town Crier does not load pictures from other websites. Save the picture to your computer, then use Image or drag it into the body.`;
}
