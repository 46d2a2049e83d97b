import { z } from 'zod';

/** Where X's API lives. Only the tests point the channel elsewhere (their emulator on 127.0.0.1). */
export const X_API_BASE_URL = 'https://api.x.com';

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/**
 * The X channel's settings. A person connecting X sets nothing here: the
 * account is whichever the four OAuth 1.0a secrets belong to. `apiBaseUrl`
 * and `timeoutMs` exist for the tests' emulator; plain http is allowed only to
 * this machine, so the keys' signatures never cross a network unencrypted.
 */
export const XSettings = z.object({
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || LOOPBACK.has(url.hostname);
    }, 'Use an https:// address (http:// is only allowed for this computer).')
    .refine((value) => {
      const url = new URL(value);
      return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    }, 'Give only the scheme and host, for example https://api.x.com.')
    .default(X_API_BASE_URL),
  /** How long one request may take before its outcome counts as unknown. */
  timeoutMs: z.number().int().positive().max(120_000).default(30_000),
});
export type XSettings = z.infer<typeof XSettings>;
