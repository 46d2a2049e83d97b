import type { Logger } from '../core/logging/logger.ts';
import { describeUrl } from './app-url.ts';

export const MAX_EXTERNAL_URL_LENGTH = 2048;

// Printable ASCII only: Chromium hands us URLs already punycoded and
// percent-encoded, so anything else is a trick (spaces, controls, homoglyphs).
const PRINTABLE_ASCII = /^[!-~]+$/;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * True for a DNS name with at least two labels and a non-numeric top-level
 * label. IP literals and single-label names (localhost, intranet hosts) are
 * refused: a link from content has no business reaching the local network.
 */
export function isValidPublicHostname(hostname: string): boolean {
  if (hostname.length === 0 || hostname.length > 253) return false;
  const labels = hostname.split('.');
  const top = labels[labels.length - 1] ?? '';
  return labels.length >= 2 && labels.every((label) => DNS_LABEL.test(label)) && !/^[0-9]+$/.test(top);
}

/**
 * The normalised address to hand to the operating system, or undefined when
 * the URL is not safe to open: only https, no user name or password (a classic
 * phishing disguise), a valid public host name, and at most 2,048 characters.
 */
export function safeExternalUrl(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string' || candidate.length > MAX_EXTERNAL_URL_LENGTH) return undefined;
  if (!PRINTABLE_ASCII.test(candidate) || !URL.canParse(candidate)) return undefined;
  const url = new URL(candidate);
  if (url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (!isValidPublicHostname(url.hostname)) return undefined;
  if (url.href.length > MAX_EXTERNAL_URL_LENGTH) return undefined;
  return url.href;
}

/** Whether `safeExternalUrl` would open this address. */
export function isSafeExternalUrl(candidate: unknown): boolean {
  return safeExternalUrl(candidate) !== undefined;
}

/** What opening a link needs from Electron's `shell`. */
export interface ExternalOpener {
  openExternal(url: string): Promise<void>;
}

/**
 * Opens a link in the user's browser only when it passes `safeExternalUrl`;
 * refusals and failures are logged (scheme and host only). Returns whether it
 * tried to open the link.
 */
export function openExternalIfSafe(shell: ExternalOpener, candidate: unknown, logger: Logger): boolean {
  const url = safeExternalUrl(candidate);
  if (url === undefined) {
    logger.warn('Refused to open a link outside the app', {
      to: typeof candidate === 'string' ? describeUrl(candidate) : 'not a string',
    });
    return false;
  }
  shell.openExternal(url).catch((error: unknown) => {
    // The error text can repeat the whole URL (query tokens included), so log only its kind.
    logger.warn('The browser could not open a link', {
      to: describeUrl(url),
      reason: error instanceof Error ? error.name : 'unknown',
    });
  });
  return true;
}
