import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { measure } from '../../shared/channels/limits.ts';

/**
 * A Mastodon subset on 127.0.0.1 for the tests, enforcing what a real
 * instance enforces: Bearer tokens, the instance's character limit (counted
 * the Mastodon way: URLs as 23), media descriptions up to 1,500 characters,
 * at most 4 attachments, asynchronous media processing (202, then 206 until
 * done), Idempotency-Key de-duplication for an hour, replies to statuses that
 * exist, and rate-limit headers with 429 when exhausted. The error bodies
 * are Mastodon's (`{"error": "…"}`). Faults can be injected per route.
 */

export type EmulatedStatus = {
  id: string;
  text: string;
  inReplyToId: string | null;
  mediaIds: string[];
  language: string | null;
  visibility: string;
  idempotencyKey: string | null;
  url: string;
};
export type EmulatedMedia = { id: string; description: string; type: string; bytes: Buffer; pollsLeft: number };
/**
 * `status`: answer with this code and do nothing. `hang` / `drop`: do the work, then never answer / cut the line.
 * `stall`: neither do the work nor answer (a request the instance never got to).
 */
export type Fault =
  { kind: 'status'; status: number; error?: string } | { kind: 'hang' } | { kind: 'drop' } | { kind: 'stall' };
export type Route = 'statuses' | 'media' | 'instance' | 'verify';

export type MastodonEmulatorOptions = {
  token?: string;
  username?: string;
  maxCharacters?: number;
  /** GETs of /api/v1/media/:id that answer 206 before an upload is processed (0: POST answers 200). */
  mediaPolls?: number;
  rateLimit?: number;
  rateWindowMs?: number;
};

export type MastodonEmulator = {
  url: string;
  token: string;
  statuses: EmulatedStatus[];
  media: Map<string, EmulatedMedia>;
  requests: { method: string; path: string; idempotencyKey: string | null }[];
  setMaxCharacters(limit: number): void;
  revokeToken(): void;
  /** Forgets every Idempotency-Key, as Mastodon does after an hour. */
  forgetIdempotencyKeys(): void;
  /** Uses up the rate limit; it lifts `resetInMs` from now. */
  exhaustRateLimit(resetInMs: number): void;
  /** The next request to `route` (after skipping `skip` of them) meets `fault`. */
  failNext(route: Route, fault: Fault, skip?: number): void;
  stop(): Promise<void>;
};

const IDEMPOTENCY_MS = 60 * 60 * 1000;
const MAX_MEDIA = 4;
const DESCRIPTION_LIMIT = 1500;

type Answer = { status: number; body: unknown };

function routeOf(method: string, path: string): Route | undefined {
  if (method === 'POST' && path === '/api/v1/statuses') return 'statuses';
  if (method === 'POST' && path === '/api/v2/media') return 'media';
  if (path === '/api/v2/instance') return 'instance';
  if (path === '/api/v1/accounts/verify_credentials') return 'verify';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts an emulator on a free port of 127.0.0.1. */
export async function startMastodonEmulator(options: MastodonEmulatorOptions = {}): Promise<MastodonEmulator> {
  let token = options.token ?? 'test-mastodon-token';
  const username = options.username ?? 'borsetshire';
  let maxCharacters = options.maxCharacters ?? 500;
  const rateLimit = options.rateLimit ?? 300;
  const rateWindowMs = options.rateWindowMs ?? 5 * 60 * 1000;
  let remaining = rateLimit;
  let resetAt = Date.now() + rateWindowMs;
  let nextId = 110_000_000_000_000_000n;
  const newId = () => String(++nextId);
  const statuses: EmulatedStatus[] = [];
  const media = new Map<string, EmulatedMedia>();
  const keys = new Map<string, { statusId: string; at: number }>();
  const faults: { route: Route; fault: Fault; skip: number }[] = [];
  const requests: MastodonEmulator['requests'] = [];
  let base = '';

  const statusJson = (s: EmulatedStatus) => ({
    id: s.id,
    uri: `${base}/users/${username}/statuses/${s.id}`,
    url: s.url,
    content: `<p>${s.text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
    visibility: s.visibility,
    language: s.language,
    in_reply_to_id: s.inReplyToId,
    media_attachments: s.mediaIds.map((id) => mediaJson(media.get(id))),
    account: { id: '1', username, acct: username },
  });
  const mediaJson = (m: EmulatedMedia | undefined) => ({
    id: m?.id ?? '',
    type: 'image',
    url: m && m.pollsLeft === 0 ? `${base}/media/${m.id}` : null,
    description: m?.description ?? null,
  });
  const invalid = (error: string): Answer => ({ status: 422, body: { error } });

  function postStatus(body: Record<string, unknown>, key: string | null): Answer {
    if (key) {
      const seen = keys.get(`${token} ${key}`);
      const earlier = seen && Date.now() - seen.at < IDEMPOTENCY_MS && statuses.find((s) => s.id === seen.statusId);
      if (earlier) return { status: 200, body: statusJson(earlier) };
    }
    const text = typeof body.status === 'string' ? body.status : '';
    const rawIds = body.media_ids ?? body['media_ids[]'] ?? [];
    const ids = (Array.isArray(rawIds) ? rawIds : [rawIds]).map(String);
    if (ids.length > MAX_MEDIA) return invalid(`Cannot attach more than ${MAX_MEDIA} files`);
    // Like Mastodon: ids of unknown media are ignored; unprocessed media are refused.
    const attached = ids.filter((id) => media.has(id));
    if (attached.some((id) => (media.get(id)?.pollsLeft ?? 0) > 0)) {
      return invalid('Cannot attach files that have not finished processing. Try again in a moment!');
    }
    if (text.trim() === '' && attached.length === 0) return invalid("Validation failed: Text can't be blank");
    if (measure('mastodon', text, { mastodonLimit: maxCharacters }).used > maxCharacters) {
      return invalid(`Validation failed: Text character limit of ${maxCharacters} exceeded`);
    }
    const replyTo = typeof body.in_reply_to_id === 'string' ? body.in_reply_to_id : null;
    if (replyTo !== null && !statuses.some((s) => s.id === replyTo)) {
      return { status: 404, body: { error: 'Record not found' } };
    }
    const id = newId();
    const status: EmulatedStatus = {
      id,
      text,
      inReplyToId: replyTo,
      mediaIds: attached,
      language: typeof body.language === 'string' ? body.language : null,
      visibility: typeof body.visibility === 'string' ? body.visibility : 'public',
      idempotencyKey: key,
      url: `${base}/@${username}/${id}`,
    };
    statuses.push(status);
    if (key) keys.set(`${token} ${key}`, { statusId: id, at: Date.now() });
    return { status: 200, body: statusJson(status) };
  }

  async function postMedia(req: IncomingMessage, raw: Buffer): Promise<Answer> {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) return invalid('Validation failed: File must be a multipart upload');
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    const file = form.get('file');
    if (!(file instanceof Blob)) return invalid("Validation failed: File can't be blank");
    if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type))
      return invalid('Validation failed: File content type is invalid');
    const description = String(form.get('description') ?? '');
    if ([...description].length > DESCRIPTION_LIMIT) {
      return invalid(`Validation failed: Description is too long (maximum is ${DESCRIPTION_LIMIT} characters)`);
    }
    const pollsLeft = options.mediaPolls ?? 1;
    const item = { id: newId(), description, type: file.type, bytes: Buffer.from(await file.arrayBuffer()), pollsLeft };
    media.set(item.id, item);
    return { status: pollsLeft > 0 ? 202 : 200, body: mediaJson(item) };
  }

  async function answer(req: IncomingMessage, path: string, raw: Buffer): Promise<Answer> {
    const method = req.method ?? 'GET';
    if (path === '/api/v2/instance') {
      return {
        status: 200,
        body: {
          domain: new URL(base).host,
          configuration: {
            statuses: { max_characters: maxCharacters, max_media_attachments: MAX_MEDIA },
            media_attachments: { description_limit: DESCRIPTION_LIMIT },
          },
        },
      };
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      return { status: 401, body: { error: 'The access token is invalid' } };
    }
    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      return { status: 200, body: { id: '1', username, acct: username, display_name: 'Borsetshire Council' } };
    }
    if (method === 'POST' && path === '/api/v1/statuses') {
      if (!String(req.headers['content-type']).startsWith('application/json')) return invalid('Expected JSON');
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const key = req.headers['idempotency-key'];
      return postStatus(body, typeof key === 'string' ? key : null);
    }
    if (method === 'POST' && path === '/api/v2/media') return postMedia(req, raw);
    const mediaMatch = /^\/api\/v1\/media\/(\d+)$/.exec(path);
    if (method === 'GET' && mediaMatch) {
      const item = media.get(mediaMatch[1] ?? '');
      if (!item) return { status: 404, body: { error: 'Record not found' } };
      if (item.pollsLeft > 0) item.pollsLeft--;
      return { status: item.pollsLeft > 0 ? 206 : 200, body: mediaJson(item) };
    }
    const statusMatch = /^\/api\/v1\/statuses\/(\d+)$/.exec(path);
    const found = statusMatch && statuses.find((s) => s.id === statusMatch[1]);
    if (method === 'GET' && found) return { status: 200, body: statusJson(found) };
    return { status: 404, body: { error: 'Record not found' } };
  }

  function takeFault(route: Route | undefined): Fault | undefined {
    const index = faults.findIndex((f) => f.route === route);
    const entry = faults[index];
    if (!entry) return undefined;
    if (entry.skip > 0) {
      entry.skip--;
      return undefined;
    }
    faults.splice(index, 1);
    return entry.fault;
  }

  function rateHeaders(res: ServerResponse): boolean {
    if (Date.now() >= resetAt) {
      remaining = rateLimit;
      resetAt = Date.now() + rateWindowMs;
    }
    const exhausted = remaining <= 0;
    if (!exhausted) remaining--;
    res.setHeader('x-ratelimit-limit', String(rateLimit));
    res.setHeader('x-ratelimit-remaining', String(remaining));
    res.setHeader('x-ratelimit-reset', new Date(resetAt).toISOString());
    return !exhausted;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://emulator').pathname;
      const method = req.method ?? 'GET';
      const raw = await readBody(req);
      const key = req.headers['idempotency-key'];
      requests.push({ method, path, idempotencyKey: typeof key === 'string' ? key : null });
      const fault = takeFault(routeOf(method, path));
      const send = (a: Answer) => {
        res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(a.body));
      };
      if (fault?.kind === 'status') return send({ status: fault.status, body: { error: fault.error ?? 'Oops' } });
      if (fault?.kind === 'stall') return;
      if (path !== '/api/v2/instance' && !rateHeaders(res))
        return send({ status: 429, body: { error: 'Too many requests' } });
      const result = await answer(req, path, raw);
      if (fault?.kind === 'hang') return;
      if (fault?.kind === 'drop') return void res.socket?.destroy();
      send(result);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    get token() {
      return token;
    },
    statuses,
    media,
    requests,
    setMaxCharacters: (limit) => void (maxCharacters = limit),
    revokeToken: () => void (token = `revoked-${token}`),
    forgetIdempotencyKeys: () => keys.clear(),
    exhaustRateLimit(resetInMs) {
      remaining = 0;
      resetAt = Date.now() + resetInMs;
    },
    failNext: (route, fault, skip = 0) => void faults.push({ route, fault, skip }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
