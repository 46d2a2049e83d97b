import type { Doc } from '../../content/doc.ts';

/**
 * What every channel renderer needs: the master content of an update. An
 * `Update` satisfies it, and so does an unsaved draft in the editor, so the
 * preview and the sender run the same function on the same shape.
 */
export type RenderInput = { title: string; summary: string; body: Doc };

/** Collapses runs of whitespace (including newlines) to one space and trims. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** True for an absolute http(s) URL with a host: the only kind we link to from a channel's own furniture. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^\s<>"']+$/i.test(value)) return false;
  try {
    return new URL(value).hostname.length > 0;
  } catch {
    return false;
  }
}
