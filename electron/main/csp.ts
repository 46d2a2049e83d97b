/**
 * The desktop renderer's Content Security Policy: only our own scripts,
 * styles, fonts and API; images also from data:/blob: (pasted images,
 * previews); frames only from ourselves or blob: (channel previews); no inline
 * script, no plugins, no forms, and nothing may frame us.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'self' blob:";

const CSP_HEADER = /^content-security-policy$/i;

/**
 * Response headers with our policy in place of any the server sent, so a dev
 * server (or anything else) can never loosen it.
 */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!CSP_HEADER.test(name)) out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}
