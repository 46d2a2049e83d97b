import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OAuth 1.0a as X checks it (RFC 5849 §3.4, HMAC-SHA1): the signature base
 * string is the method, the URL without its query, and every parameter
 * (query, form body, and the oauth_* header values except the signature),
 * each percent-encoded, sorted by name then value, joined with `&` and `=`.
 * Written from the RFC, independently of twitter-api-v2's signer.
 */

/** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parameters of an `Authorization: OAuth k="v", …` header, decoded; undefined when it is not OAuth. */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  if (!header?.startsWith('OAuth ')) return undefined;
  const params = new Map<string, string>();
  for (const part of header.slice(6).split(',')) {
    const match = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(part);
    if (!match?.[1] || match[2] === undefined) return undefined;
    params.set(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
  }
  return params;
}

/** RFC 5849 §3.4.1: METHOD&url&params, the URL without query or fragment and the host lower-cased. */
export function signatureBaseString(method: string, url: string, params: readonly [string, string][]): string {
  const u = new URL(url);
  const baseUrl = `${u.protocol}//${u.host.toLowerCase()}${u.pathname}`;
  const normalized = params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalized)].join('&');
}

/** HMAC-SHA1 of the base string keyed by `consumerSecret&tokenSecret`, base64. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`)
    .update(baseString)
    .digest('base64');
}

export type SignedRequest = {
  method: string;
  /** The full URL the client addressed, with its query. */
  url: string;
  authorization: string | undefined;
  /** Parameters of an `application/x-www-form-urlencoded` body (never JSON or multipart). */
  formParams: readonly [string, string][];
};

export type OAuthCheck =
  { ok: true; consumerKey: string; token: string; nonce: string; timestamp: number } | { ok: false; reason: string };

/**
 * Verifies a request's OAuth 1.0a signature with the secrets of the consumer
 * key and token it names. `secretsFor` answers undefined for an unknown key.
 */
export function verifyOAuthRequest(
  request: SignedRequest,
  secretsFor: (consumerKey: string, token: string) => { consumerSecret: string; tokenSecret: string } | undefined,
): OAuthCheck {
  const oauth = parseOAuthHeader(request.authorization);
  if (!oauth) return { ok: false, reason: 'no OAuth authorization header' };
  const signature = oauth.get('oauth_signature');
  const consumerKey = oauth.get('oauth_consumer_key');
  const token = oauth.get('oauth_token');
  const nonce = oauth.get('oauth_nonce');
  const timestamp = Number(oauth.get('oauth_timestamp'));
  if (!signature || !consumerKey || !token || !nonce || !Number.isInteger(timestamp)) {
    return { ok: false, reason: 'missing OAuth parameters' };
  }
  if (oauth.get('oauth_signature_method') !== 'HMAC-SHA1') return { ok: false, reason: 'not HMAC-SHA1' };
  const secrets = secretsFor(consumerKey, token);
  if (!secrets) return { ok: false, reason: 'unknown consumer key or token' };
  const url = new URL(request.url);
  const params: [string, string][] = [
    ...[...url.searchParams.entries()],
    ...request.formParams,
    ...[...oauth.entries()].filter(([k]) => k !== 'oauth_signature' && k !== 'realm'),
  ];
  const expected = hmacSha1Signature(
    signatureBaseString(request.method, request.url, params),
    secrets.consumerSecret,
    secrets.tokenSecret,
  );
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad signature' };
  return { ok: true, consumerKey, token, nonce, timestamp };
}
