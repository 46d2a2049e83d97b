import { escapeHtml } from '../../../shared/content/render.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { SqlDb } from '../store/sql.ts';
import type { AuditHook } from './audit.ts';
import { createSubscribersRepository } from './subscribers-repository.ts';
import { DEFAULT_TOKEN_MAX_AGE_MS, unsubscribeKey, verifyUnsubscribeToken } from './unsubscribe-token.ts';

/**
 * `GET /u/<token>` and `POST /u/<token>`, shared by the web host and the
 * headless worker. POST is RFC 8058 one-click: mail providers send it
 * (`List-Unsubscribe=One-Click`) and it unsubscribes at once, with no
 * confirmation. GET shows a plain page whose button POSTs, so a link scanner
 * fetching the URL never unsubscribes anyone. A forged, damaged or expired
 * token gets a page saying so and changes nothing.
 */

export type UnsubscribeRequest = { method: string; token: string };
export type UnsubscribeResponse = { status: number; html: string; headers: Record<string, string> };
export type UnsubscribeHandler = (request: UnsubscribeRequest) => Promise<UnsubscribeResponse>;

/** The pages' policy: nothing loads, the only style is inline, and the form posts back to this page. */
export const UNSUBSCRIBE_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export type UnsubscribeDeps = {
  db: SqlDb;
  secrets: SecretStore;
  organisationName: () => Promise<string>;
  now?: () => Date;
  maxAgeMs?: number;
  audit?: AuditHook;
};

function page(status: number, title: string, paragraphs: string[], form?: { button: string }): UnsubscribeResponse {
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.5;max-width:40em;margin:2em auto;padding:0 1em;color:#0b0c0c;background:#fff}',
    'button{font-size:19px;padding:.5em 1em;background:#00703c;color:#fff;border:0;box-shadow:0 2px 0 #002d18;cursor:pointer}',
    'button:focus{outline:3px solid #fd0;outline-offset:0}',
    '@media (prefers-color-scheme: dark){body{background:#0b0c0c;color:#f3f2f1}}</style>',
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    // No action attribute: the form posts to this same address, whatever the proxy in front calls it.
    form ? `<form method="post"><button type="submit">${escapeHtml(form.button)}</button></form>` : '',
    '</main>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return {
    status,
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': UNSUBSCRIBE_PAGE_CSP,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  };
}

export function createUnsubscribeHandler(deps: UnsubscribeDeps): UnsubscribeHandler {
  const now = deps.now ?? (() => new Date());
  const repo = createSubscribersRepository({ db: deps.db, now, ...(deps.audit ? { audit: deps.audit } : {}) });
  return async ({ method, token }) => {
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
      return page(405, 'Not allowed', ['Open the unsubscribe link from the email.']);
    }
    const organisation = await deps.organisationName();
    const check = verifyUnsubscribeToken(
      await unsubscribeKey(deps.secrets),
      token,
      now(),
      deps.maxAgeMs ?? DEFAULT_TOKEN_MAX_AGE_MS,
    );
    if (!check.ok) {
      return page(check.reason === 'expired' ? 410 : 400, 'This link does not work', [
        check.message,
        `Nothing has been changed. To stop getting emails from ${organisation}, use the unsubscribe link in a recent email, or contact ${organisation}.`,
      ]);
    }
    const subscriber = await repo.get(check.subscriberId);
    const list = await deps.db.one('SELECT name FROM email_lists WHERE id = $1', [check.listId]);
    if (!subscriber) {
      return page(404, 'We could not find this subscription', [
        `Your email address is no longer on any list at ${organisation}, so you will not get these emails.`,
      ]);
    }
    const what = list ? `“${String(list.name)}” emails` : 'these emails';
    if (subscriber.status !== 'active') {
      return page(200, 'You are unsubscribed', [
        `${subscriber.email} will not get any more emails from ${organisation}.`,
      ]);
    }
    if (method === 'GET' || method === 'HEAD') {
      return page(
        200,
        `Unsubscribe from ${organisation} emails`,
        [
          `Do you want to stop ${what} to ${subscriber.email}?`,
          `You will not get any more emails from ${organisation}.`,
        ],
        { button: 'Unsubscribe' },
      );
    }
    await repo.suppress(subscriber.id, 'unsubscribed', {
      actor: 'subscriber (unsubscribe link)',
      reason: 'Unsubscribed with the link in an email',
      listId: check.listId,
    });
    return page(200, 'You are unsubscribed', [
      `${subscriber.email} will not get any more emails from ${organisation}.`,
    ]);
  };
}

/** The token in a `/u/<token>` path, or null for any other path. */
export function unsubscribeTokenOf(pathname: string): string | null {
  const match = /^\/u\/([^/]{1,600})\/?$/.exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1] ?? '');
  } catch {
    return ''; // a damaged link: verified as malformed, so the page says so
  }
}
