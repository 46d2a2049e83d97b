import { docToHtml, docToPlainTextWithLinks, escapeHtml, excerptFromText } from '../../content/render.ts';
import { isHttpUrl, oneLine, type RenderInput } from './input.ts';

/**
 * The email edition of an update: one column, real headings, 16px text, light
 * and dark colour schemes, no external resources (no fonts or trackers; body
 * images load from `imageSrc`, never from anyone else's server), with a
 * plain-text part made from the same content. Emails are
 * not shown under the app's CSP, so a `<style>` block is fine; clients that
 * drop it still get the inline styles on the frame.
 */

export type EmailOptions = {
  organisationName: string;
  /** The published article, linked as "Read this on our website". */
  websiteUrl?: string;
  /**
   * Where a subscriber unsubscribes: an http(s) or mailto: URL, or a merge
   * placeholder such as `{{unsubscribe_url}}` that the sender fills in for each
   * recipient. When given, the footer with the unsubscribe link is added.
   */
  unsubscribeUrl?: string;
  /** The email variant's own subject line, when the officer edited it (else the title). */
  subject?: string;
  /** The email variant's own preheader, when edited (else the summary or the start of the body). */
  preheader?: string;
  /** Where each image loads from (see `docToHtml`): data: URLs in the preview, hosted URLs when sending. */
  imageSrc?: (mediaId: string) => string;
};

export type RenderedEmail = { subject: string; preheader: string; html: string; text: string };

export const PREHEADER_MAX_LENGTH = 140;
export const WEBSITE_LINK_TEXT = 'Read this on our website';

/**
 * Renders an update as an email (subject, preheader, HTML and text parts).
 * The preview and the sender both call this, so the email reviewed is the
 * email sent. Throws a RangeError for a link option that is not a safe URL,
 * because silently dropping an unsubscribe link would break the law (PECR).
 */
export function renderEmail(input: RenderInput, options: EmailOptions): RenderedEmail {
  const organisation = oneLine(options.organisationName);
  const websiteUrl = checkedLink('websiteUrl', options.websiteUrl, false);
  const unsubscribeUrl = checkedLink('unsubscribeUrl', options.unsubscribeUrl, true);
  const title = oneLine(input.title);
  // A subject never carries a line break: that would be a header injection.
  const subject = oneLine(options.subject ?? '') || title || `An update from ${organisation}`;
  const summary = oneLine(input.summary);
  const body = docToPlainTextWithLinks(input.body);
  const preheader = excerptFromText(options.preheader ?? (summary || body.text), PREHEADER_MAX_LENGTH);
  const footer = `You are getting this email because you signed up for updates from ${organisation}.`;

  const html = emailHtml({
    subject,
    preheader,
    organisation,
    title: title || subject,
    summary,
    bodyHtml: docToHtml(input.body, options.imageSrc ? { imageSrc: options.imageSrc } : {}),
    websiteUrl,
    footer: unsubscribeUrl === undefined ? undefined : { text: footer, url: unsubscribeUrl },
  });

  const text = [
    organisation,
    title || subject,
    summary,
    body.text,
    websiteUrl ? `${WEBSITE_LINK_TEXT}: ${websiteUrl}` : '',
    body.links.length > 0 ? ['Links in this email:', ...body.links.map((l, i) => `[${i + 1}] ${l}`)].join('\n') : '',
    unsubscribeUrl === undefined
      ? ''
      : `${'-'.repeat(20)}\n${footer}\nUnsubscribe from these emails: ${unsubscribeUrl}`,
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');

  return { subject, preheader, html, text: `${text}\n` };
}

const PLACEHOLDER = /^\{\{\s*[a-z_][a-z0-9_]*\s*\}\}$/i;

function checkedLink(name: string, value: string | undefined, placeholderAllowed: boolean): string | undefined {
  if (value === undefined) return undefined;
  const url = value.trim();
  if (isHttpUrl(url)) return url;
  if (placeholderAllowed && (PLACEHOLDER.test(url) || /^mailto:[^\s<>"']+$/i.test(url))) return url;
  throw new RangeError(
    `${name} must be an http(s) URL${placeholderAllowed ? ', a mailto: URL or a {{placeholder}}' : ''}`,
  );
}

type EmailParts = {
  subject: string;
  preheader: string;
  organisation: string;
  title: string;
  summary: string;
  bodyHtml: string;
  websiteUrl: string | undefined;
  footer: { text: string; url: string } | undefined;
};

// GOV.UK colours: text #0b0c0c on white is 19:1; links #1d70b8 are 5.2:1; the footer grey #505a5f is 7:1.
/** The email's one stylesheet. The app's CSP allows exactly this block (by hash) so the preview can show it. */
export const EMAIL_STYLE = `
:root { color-scheme: light dark; supported-color-schemes: light dark; }
body { margin: 0; padding: 0; width: 100%; background-color: #f3f2f1; }
.frame { font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c; }
.card { background-color: #ffffff; }
h1 { font-size: 28px; line-height: 1.25; margin: 0 0 16px; }
h2 { font-size: 22px; line-height: 1.3; margin: 32px 0 12px; }
h3 { font-size: 19px; line-height: 1.3; margin: 24px 0 8px; }
p, li { font-size: 16px; margin: 0 0 16px; }
.summary { font-size: 19px; }
ul, ol { margin: 0 0 16px; padding-left: 24px; }
blockquote { margin: 0 0 16px; padding-left: 16px; border-left: 4px solid #b1b4b6; }
figure { margin: 0 0 16px; }
img { max-width: 100%; height: auto; border: 0; }
figcaption { font-size: 16px; color: #505a5f; margin-top: 4px; }
a { color: #1d70b8; text-decoration: underline; }
.footer, .footer p { color: #505a5f; }
@media (prefers-color-scheme: dark) {
  body, .outer { background-color: #0b0c0c !important; }
  .frame { color: #f3f2f1 !important; }
  .card, .content { background-color: #1d1d1b !important; color: #f3f2f1 !important; }
  a { color: #8ab4f8 !important; }
  .footer, .footer p { color: #d3d3d3 !important; }
}
`.trim();

/** The exact text between <style> and </style>: what the CSP hash covers. */
export const EMAIL_STYLE_BLOCK = `\n${EMAIL_STYLE}\n`;

// Zero-width padding keeps mail clients from pulling body text into the inbox preview after the preheader.
const PREHEADER_PADDING = '&#847;&zwnj;&nbsp;'.repeat(30);

function emailHtml(p: EmailParts): string {
  const e = escapeHtml;
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="en-GB" dir="ltr">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="x-apple-disable-message-reformatting">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="supported-color-schemes" content="light dark">',
    `<title>${e(p.subject)}</title>`,
    `<style>${EMAIL_STYLE_BLOCK}</style>`,
    '</head>',
    '<body style="margin:0;padding:0;background-color:#f3f2f1;">',
    `<div class="preheader" style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;">${e(p.preheader)}${PREHEADER_PADDING}</div>`,
    `<div class="frame" role="article" aria-roledescription="email" aria-label="${e(p.subject)}" lang="en-GB" dir="ltr" style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;">`,
    '<table role="presentation" class="outer" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f2f1;">',
    '<tr><td align="center" style="padding:24px 12px;">',
    '<table role="presentation" class="card" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;">',
    '<tr><td class="content" style="padding:24px;text-align:left;font-size:16px;line-height:1.5;color:#0b0c0c;">',
    `<p class="organisation" style="margin:0 0 16px;font-size:16px;font-weight:bold;">${e(p.organisation)}</p>`,
    `<h1 style="font-size:28px;line-height:1.25;margin:0 0 16px;">${e(p.title)}</h1>`,
    p.summary ? `<p class="summary" style="font-size:19px;margin:0 0 16px;">${e(p.summary)}</p>` : '',
    p.bodyHtml,
    p.websiteUrl ? `<p class="web-link"><a href="${e(p.websiteUrl)}">${WEBSITE_LINK_TEXT}</a></p>` : '',
    '</td></tr>',
    '</table>',
    p.footer ? footerHtml(p.footer) : '',
    '</td></tr>',
    '</table>',
    '</div>',
    '</body>',
    '</html>',
  ];
  return `${lines.filter((l) => l.length > 0).join('\n')}\n`;
}

function footerHtml(footer: { text: string; url: string }): string {
  return [
    '<table role="presentation" class="footer" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;">',
    '<tr><td style="padding:16px 24px;font-size:16px;line-height:1.5;color:#505a5f;">',
    `<p style="margin:0 0 8px;">${escapeHtml(footer.text)}</p>`,
    `<p style="margin:0;"><a href="${escapeHtml(footer.url)}">Unsubscribe from these emails</a>.</p>`,
    '</td></tr>',
    '</table>',
  ].join('\n');
}
