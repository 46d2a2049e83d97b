/**
 * The one Content Security Policy of the app's pages, used by the desktop
 * shell (response header), the web host (response header) and the built
 * index.html (meta tag). Only our own scripts run; nothing inline.
 *
 * Styles: our own stylesheet, plus exactly the email stylesheet (allowed by
 * its hash, checked by a unit test) and inline style attributes, because the
 * email preview is a sandboxed srcdoc iframe, which inherits this policy, and
 * an email must carry its CSS inline. Style attributes cannot run code, and
 * `img-src`/`connect-src` keep CSS from reaching any other site.
 */
export const EMAIL_STYLE_HASH = "'sha256-MMiEIPauhON/MsEdkdc9Fbc5XprBb9WcMAsrBqs+kxI='";

const DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${EMAIL_STYLE_HASH}`,
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
];

/** As a response header: also forbids anyone from framing the app. */
export const APP_CSP = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/** As a <meta> tag, where frame-ancestors is not allowed (browsers ignore it there, with a warning). */
export const APP_CSP_META = DIRECTIVES.join('; ');
