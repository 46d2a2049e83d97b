import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { measure } from '../../shared/channels/limits.ts';
import { verifyOAuthRequest } from './x-emulator-oauth.ts';

/**
 * A subset of X's v2 API on 127.0.0.1, enforcing what X enforces: OAuth
 * 1.0a signatures (a bad one, a stale timestamp or a reused nonce is a 401),
 * 280 weighted characters (twitter-text, through `measure`), duplicate text,
 * four media per post, alt text up to 1,000 characters, and per-endpoint
 * rate limits with X's headers. Error bodies are X's real shapes. The real
 * twitter-api-v2 client talks to it over plain HTTP.
 */

export type XEmulatorAccount = {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
  userId: string;
  username: string;
};

export type XMedia = {
  id: string;
  type: string;
  totalBytes: number;
  received: number;
  finalized: boolean;
  alt: string | null;
};
export type XTweet = { id: string; text: string; inReplyTo: string | null; media: XMedia[]; at: number };
/** What the next POST /2/tweets meets: normal service, an error answer, or being posted with no answer ever. */
export type XFault = { kind: 'ok' } | { kind: 'status'; status: number } | { kind: 'hang' };
export type XRequestLog = { method: string; path: string; status: number };

export type XEmulator = {
  url: string;
  account: XEmulatorAccount;
  tweets: XTweet[];
  requests: XRequestLog[];
  failNextTweets(...faults: XFault[]): void;
  /** Sets the current POST /2/tweets window: `remaining` posts until `reset` (Unix seconds). */
  setTweetRateLimit(remaining: number, reset: number): void;
  /** Revokes the access token, as regenerating it in the developer portal does. */
  revokeToken(): void;
  close(): Promise<void>;
};

const ALT_TEXT_LIMIT = 1000;
const MAX_MEDIA = 4;
const IMAGE_BYTES = 5 * 1024 * 1024;
const TIMESTAMP_WINDOW_S = 300;
const WINDOW_S = 15 * 60;
const LIMITS: Record<string, number> = { 'POST /2/tweets': 100, 'GET /2/users/me': 75 };

type Answer = { status: number; body?: unknown } | { hang: true };

const problem = (status: number, title: string, detail = title) => ({
  status,
  body: { title, type: 'about:blank', status, detail },
});
const UNAUTHORIZED = problem(401, 'Unauthorized');
const DUPLICATE = problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
const invalid = (parameter: string, value: unknown, message: string): Answer => ({
  status: 400,
  body: {
    errors: [{ parameters: { [parameter]: [String(value)] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  },
});

const TweetBody = z.object({
  text: z.string(),
  media: z.object({ media_ids: z.array(z.string()) }).optional(),
  reply: z.object({ in_reply_to_tweet_id: z.string() }).optional(),
});
const InitBody = z.object({
  media_type: z.string(),
  total_bytes: z.number().int(),
  media_category: z.string().optional(),
});
const MetadataBody = z.object({ id: z.string(), metadata: z.object({ alt_text: z.object({ text: z.string() }) }) });

type Parsed = { json: unknown; form: [string, string][]; multipart: Map<string, Buffer> | undefined };

/** The parts of a multipart/form-data body as bytes (twitter-api-v2 sends `media` without a filename). */
function multipartParts(raw: Buffer, contentType: string): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const delimiter = Buffer.from(`--${boundary?.[1] ?? boundary?.[2] ?? ''}`);
  let at = raw.indexOf(delimiter);
  while (at !== -1) {
    const next = raw.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(at + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const name = /name="([^"]+)"/.exec(part.subarray(0, split).toString('utf8'))?.[1];
    if (split !== -1 && name) parts.set(name, part.subarray(split + 4));
    at = next;
  }
  return parts;
}

async function readBody(req: IncomingMessage): Promise<Parsed> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json'))
    return { json: JSON.parse(raw.toString('utf8')), form: [], multipart: undefined };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { json: undefined, form: [...new URLSearchParams(raw.toString('utf8')).entries()], multipart: undefined };
  }
  if (type.startsWith('multipart/form-data')) {
    return { json: undefined, form: [], multipart: multipartParts(raw, type) };
  }
  return { json: undefined, form: [], multipart: undefined };
}

/** Starts the emulator with one account; `now` (ms) drives timestamps and rate-limit windows. */
export async function startXEmulator(options: { now?: () => number } = {}): Promise<XEmulator> {
  const now = options.now ?? Date.now;
  const account: XEmulatorAccount = {
    consumerKey: 'emulator-consumer-key',
    consumerSecret: 'emulator-consumer-secret',
    token: '1111111111-emulator-access-token',
    tokenSecret: 'emulator-access-secret',
    userId: '1111111111',
    username: 'BorsetshireCC',
  };
  let revoked = false;
  let nextId = 1_860_000_000_000_000_000n;
  const newId = () => String(nextId++);
  const nonces = new Set<string>();
  const media = new Map<string, XMedia>();
  const tweets: XTweet[] = [];
  const requests: XRequestLog[] = [];
  const faults: XFault[] = [];
  const windows = new Map<string, { limit: number; remaining: number; reset: number }>();
  let base = '';

  function windowFor(route: string) {
    const limit = LIMITS[route];
    if (limit === undefined) return undefined;
    const nowS = Math.floor(now() / 1000);
    let w = windows.get(route);
    if (!w || nowS >= w.reset) windows.set(route, (w = { limit, remaining: limit, reset: nowS + WINDOW_S }));
    return w;
  }

  function postTweet(body: unknown): Answer {
    const parsed = TweetBody.safeParse(body);
    if (!parsed.success) return invalid('text', '', 'The request body is not a valid tweet.');
    const { text } = parsed.data;
    if (!measure('x', text).ok) return invalid('text', text, 'Your Tweet text is too long.');
    if (tweets.some((t) => t.text === text)) return DUPLICATE;
    const ids = parsed.data.media?.media_ids ?? [];
    if (ids.length > MAX_MEDIA) return invalid('media.media_ids', ids.join(','), 'Too many media ids (max 4).');
    const attached: XMedia[] = [];
    for (const id of ids) {
      const item = media.get(id);
      if (!item?.finalized) return invalid('media.media_ids', id, `Your media IDs are invalid.`);
      attached.push(item);
    }
    const replyTo = parsed.data.reply?.in_reply_to_tweet_id ?? null;
    if (replyTo !== null && !tweets.some((t) => t.id === replyTo)) {
      return invalid('reply.in_reply_to_tweet_id', replyTo, 'The tweet you are replying to does not exist.');
    }
    const tweet: XTweet = { id: newId(), text, inReplyTo: replyTo, media: attached, at: now() };
    tweets.push(tweet);
    const fault = faults.shift();
    if (fault?.kind === 'hang') return { hang: true };
    if (fault?.kind === 'status') {
      tweets.pop();
      return problem(fault.status, fault.status >= 500 ? 'Internal Server Error' : 'Error');
    }
    return { status: 201, body: { data: { id: tweet.id, text, edit_history_tweet_ids: [tweet.id] } } };
  }

  async function route(method: string, path: string, body: Parsed): Promise<Answer> {
    if (method === 'GET' && path === '/2/users/me') {
      return {
        status: 200,
        body: { data: { id: account.userId, name: 'Borsetshire Council', username: account.username } },
      };
    }
    if (method === 'POST' && path === '/2/tweets') return postTweet(body.json);
    if (method === 'POST' && path === '/2/media/upload/initialize') {
      const init = InitBody.safeParse(body.json);
      if (!init.success || !init.data.media_type.startsWith('image/'))
        return invalid('media_type', '', 'Unsupported media type.');
      if (init.data.total_bytes > IMAGE_BYTES)
        return invalid('total_bytes', init.data.total_bytes, 'File size exceeds 5242880 bytes.');
      const item: XMedia = {
        id: newId(),
        type: init.data.media_type,
        totalBytes: init.data.total_bytes,
        received: 0,
        finalized: false,
        alt: null,
      };
      media.set(item.id, item);
      return { status: 200, body: { data: { id: item.id, media_key: `3_${item.id}`, expires_after_secs: 86400 } } };
    }
    const append = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(path);
    if (method === 'POST' && append) {
      const item = media.get(append[1] ?? '');
      if (!item) return invalid('id', append[1], 'Media not found.');
      if (append[2] === 'append') {
        const chunk = body.multipart?.get('media');
        if (!chunk) return invalid('media', '', 'The media segment is missing.');
        item.received += chunk.length;
        return { status: 200, body: { data: { expires_at: Math.floor(now() / 1000) + 86400 } } };
      }
      if (item.received !== item.totalBytes)
        return invalid('id', item.id, 'Segments do not add up to the provided total file size.');
      item.finalized = true;
      return {
        status: 200,
        body: { data: { id: item.id, media_key: `3_${item.id}`, size: item.totalBytes, expires_after_secs: 86400 } },
      };
    }
    if (method === 'POST' && path === '/2/media/metadata') {
      const meta = MetadataBody.safeParse(body.json);
      if (!meta.success) return invalid('metadata', '', 'The metadata is not valid.');
      const item = media.get(meta.data.id);
      if (!item) return invalid('id', meta.data.id, 'Media not found.');
      const alt = meta.data.metadata.alt_text.text;
      if (alt.length > ALT_TEXT_LIMIT)
        return invalid('metadata.alt_text.text', alt, 'Text must be at most 1000 characters.');
      item.alt = alt;
      return { status: 200, body: { data: { id: item.id, associated_metadata: { alt_text: { text: alt } } } } };
    }
    return problem(404, 'Not Found Error', 'Sorry, that page does not exist');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', base);
    const body = await readBody(req);
    const check = verifyOAuthRequest(
      { method, url: url.href, authorization: req.headers.authorization, formParams: body.form },
      (consumerKey, token) =>
        consumerKey === account.consumerKey && token === account.token && !revoked
          ? { consumerSecret: account.consumerSecret, tokenSecret: account.tokenSecret }
          : undefined,
    );
    let answer: Answer = UNAUTHORIZED;
    const key = check.ok ? `${check.consumerKey}:${check.nonce}` : '';
    const fresh = check.ok && Math.abs(now() / 1000 - check.timestamp) <= TIMESTAMP_WINDOW_S && !nonces.has(key);
    const routeKey = `${method} ${url.pathname}`;
    const window = fresh ? windowFor(routeKey) : undefined;
    if (fresh) {
      nonces.add(key);
      if (window && window.remaining <= 0) answer = problem(429, 'Too Many Requests');
      else {
        if (window) window.remaining--;
        answer = await route(method, url.pathname, body);
      }
    }
    const status = 'hang' in answer ? 0 : answer.status;
    requests.push({ method, path: url.pathname, status });
    if ('hang' in answer) return;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (window) {
      headers['x-rate-limit-limit'] = String(window.limit);
      headers['x-rate-limit-remaining'] = String(window.remaining);
      headers['x-rate-limit-reset'] = String(window.reset);
    }
    res.writeHead(answer.status, headers).end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    account,
    tweets,
    requests,
    failNextTweets: (...next) => void faults.push(...next),
    setTweetRateLimit(remaining, reset) {
      windows.set('POST /2/tweets', { limit: LIMITS['POST /2/tweets'] ?? 100, remaining, reset });
    },
    revokeToken: () => void (revoked = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
