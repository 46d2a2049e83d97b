import { APP_CSP } from '../../shared/security/csp.ts';

/** The desktop renderer's Content Security Policy (shared/security/csp.ts explains each directive). */
export const CONTENT_SECURITY_POLICY = APP_CSP;

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
