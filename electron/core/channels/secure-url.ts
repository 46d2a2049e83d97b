/**
 * Where a channel may send a password, token or post: https anywhere, plain
 * http only to this machine (a test server or a local preview), so no secret
 * crosses a network unencrypted. Every adapter's settings use this one rule.
 */

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface SecureUrlRules {
  /** A page link may carry `?…` and `#…`; a service address may not. */
  allowQuery?: boolean;
  /** A service (an API root) has no path; a site may live under one. */
  allowPath?: boolean;
}

/** True when `value` is an absolute https URL (or http to this machine) without credentials and meeting `rules`. */
export function isSecureUrl(value: string, rules: SecureUrlRules = {}): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || /\s/.test(value)) return false;
  if (!rules.allowQuery && (url.search || url.hash)) return false;
  if (!rules.allowPath && url.pathname !== '/' && url.pathname !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
}
