import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Bluesky PDS subset on 127.0.0.1 for the tests, checking what a real PDS
 * checks on the calls Town Crier makes:
 * - createSession with identifier (handle or DID) and an app password; Bearer
 *   JWTs (HS256 here) whose access token expires (400 ExpiredToken, which
 *   @atproto/api answers with refreshSession), refresh tokens that rotate (an
 *   old one is refused), and app passwords that can be revoked;
 * - app.bsky.feed.post against its lexicon: text ≤ 300 graphemes and ≤ 3,000
 *   UTF-8 bytes, createdAt a datetime, langs ≤ 3, facets whose byte ranges lie
 *   inside the text and on UTF-8 character boundaries, reply refs to records
 *   that exist, and the embed shapes (images: ≤ 4, each a blob this account
 *   uploaded, image/*, ≤ 1,000,000 bytes, with alt; external: uri/title/description);
 * - record keys: syntax, and a second create at a key already used is refused
 *   with a 500 (the real PDS's MST throws "There is already a value at key",
 *   which reaches the client as InternalServerError);
 * - uploadBlob's size limit (413 PayloadTooLarge) and content types;
 * - rate limits: `ratelimit-limit/remaining/reset/policy` headers on every
 *   answer, 429 RateLimitExceeded when used up (reset in Unix seconds).
 * Error bodies are XRPC's `{"error": "...", "message": "..."}`. Faults can be
 * injected per method: a status, or doing the work and then dropping the
 * connection, or never answering.
 */

export type EmulatedPost = {
  uri: string;
  cid: string;
  rkey: string;
  text: string;
  facets: unknown[];
  langs: string[];
  embed: Record<string, unknown> | undefined;
  reply: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } } | undefined;
  record: Record<string, unknown>;
};
export type EmulatedBlob = { cid: string; mimeType: string; bytes: Buffer };
/** `status`: answer with this and do nothing. `drop` / `hang`: do the work, then cut the line / never answer. `stall`: never do it, never answer. */
export type BlueskyFault =
  | { kind: 'status'; status: number; error?: string; message?: string }
  | { kind: 'drop' }
  | { kind: 'hang' }
  | { kind: 'stall' };

export type BlueskyEmulatorOptions = {
  handle?: string;
  appPassword?: string;
  /** How long an access token lives (the real PDS: 2 hours). */
  accessTtlMs?: number;
  /** uploadBlob's own limit (the real PDS defaults to 5 MB); the 1,000,000-byte image limit is the post lexicon's. */
  blobLimit?: number;
};

export type BlueskyEmulator = {
  url: string;
  handle: string;
  did: string;
  appPassword: string;
  /** Every post in the repo, in the order written (deleted ones are removed). */
  posts: EmulatedPost[];
  blobs: Map<string, EmulatedBlob>;
  requests: { method: string; nsid: string; status: number }[];
  /** How many times each XRPC method was called. */
  count(nsid: string): number;
  /** Revokes the app password: signing in with it fails, and its refresh tokens are refused. */
  revokeAppPassword(): void;
  /** Uses up the write rate limit; it lifts `resetInMs` from now. */
  exhaustRateLimit(resetInMs: number): void;
  /** The next call of `nsid` (after `skip` of them) meets `fault`. */
  failNext(nsid: string, fault: BlueskyFault, skip?: number): void;
  stop(): Promise<void>;
};

const POST = 'app.bsky.feed.post';
const IMAGE_BYTES = 1_000_000;
const RKEY = /^[A-Za-z0-9._:~-]{1,512}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

type Answer = { status: number; body: unknown };
type Token = { scope: 'access' | 'refresh'; sub: string; exp: number; jti: string; pw: string };

const fail = (status: number, error: string, message: string): Answer => ({ status, body: { error, message } });
const invalid = (message: string): Answer => fail(400, 'InvalidRequest', message);

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += B32.charAt((value << (5 - bits)) & 31);
  return out;
}

/** A real CIDv1 (base32, sha2-256): dag-cbor (0x71) for records, raw (0x55) for blobs. */
function cidOf(data: Buffer | string, codec: 0x71 | 0x55): string {
  const digest = createHash('sha256').update(data).digest();
  return `b${base32(Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), digest]))}`;
}

function utf8Boundaries(text: string): Set<number> {
  const set = new Set<number>([0]);
  let offset = 0;
  for (const ch of text) {
    offset += Buffer.byteLength(ch, 'utf8');
    set.add(offset);
  }
  return set;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts an emulator on a free port of 127.0.0.1. */
export async function startBlueskyEmulator(options: BlueskyEmulatorOptions = {}): Promise<BlueskyEmulator> {
  const handle = options.handle ?? 'borsetshire.bsky.social';
  const did = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
  let appPassword = options.appPassword ?? 'abcd-efgh-ijkl-mnop';
  const accessTtlMs = options.accessTtlMs ?? 2 * 60 * 60 * 1000;
  const blobLimit = options.blobLimit ?? 5_000_000;
  const signingKey = randomBytes(32);
  const revokedPasswords = new Set<string>();
  const liveRefresh = new Set<string>();
  const posts: EmulatedPost[] = [];
  const blobs = new Map<string, EmulatedBlob>();
  const requests: BlueskyEmulator['requests'] = [];
  const faults: { nsid: string; fault: BlueskyFault; skip: number }[] = [];
  const rateLimit = 5000;
  let remaining = rateLimit;
  let resetAt = Date.now() + 60 * 60 * 1000;

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  function sign(token: Token): string {
    const head = `${b64({ alg: 'HS256', typ: token.scope === 'access' ? 'at+jwt' : 'refresh+jwt' })}.${b64(token)}`;
    return `${head}.${createHmac('sha256', signingKey).update(head).digest('base64url')}`;
  }
  function verify(jwt: string): Token | undefined {
    const [head, body, sig] = jwt.split('.');
    if (!head || !body || !sig) return undefined;
    const expected = createHmac('sha256', signingKey).update(`${head}.${body}`).digest('base64url');
    if (expected !== sig) return undefined;
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Token;
  }
  function newSession(pw: string) {
    const now = Date.now();
    const refreshJti = randomBytes(12).toString('hex');
    liveRefresh.add(refreshJti);
    return {
      did,
      handle,
      accessJwt: sign({ scope: 'access', sub: did, exp: now + accessTtlMs, jti: randomBytes(12).toString('hex'), pw }),
      refreshJwt: sign({ scope: 'refresh', sub: did, exp: now + 90 * 86_400_000, jti: refreshJti, pw }),
      active: true,
    };
  }
  /** The bearer token of `scope`, or the XRPC error the real PDS gives. */
  function bearer(req: IncomingMessage, scope: Token['scope']): Token | Answer {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return fail(401, 'AuthenticationRequired', 'Authentication Required');
    const token = verify(header.slice(7));
    if (!token) return fail(400, 'InvalidToken', 'Token could not be verified');
    if (token.scope !== scope) return fail(400, 'InvalidToken', 'Bad token scope');
    if (Date.now() >= token.exp) return fail(400, 'ExpiredToken', 'Token has expired');
    if (scope === 'refresh' && (!liveRefresh.has(token.jti) || revokedPasswords.has(token.pw))) {
      return fail(400, 'ExpiredToken', 'Token has been revoked');
    }
    return token;
  }

  const uriOf = (rkey: string) => `at://${did}/${POST}/${rkey}`;

  /** app.bsky.feed.post, as the lexicon and the PDS check it. Undefined when valid. */
  function checkPost(record: Record<string, unknown>): string | undefined {
    const bad = (why: string) => `Invalid app.bsky.feed.post record: ${why}`;
    if (record.$type !== POST) return `Invalid $type: expected ${POST}, got ${String(record.$type)}`;
    const text = record.text;
    if (typeof text !== 'string') return bad('Record/text must be a string');
    if (Buffer.byteLength(text, 'utf8') > 3000) return bad('Record/text must not be longer than 3000 characters');
    if ([...graphemes.segment(text)].length > 300) return bad('Record/text must not be longer than 300 graphemes');
    if (
      typeof record.createdAt !== 'string' ||
      !DATETIME.test(record.createdAt) ||
      Number.isNaN(Date.parse(record.createdAt))
    ) {
      return bad('Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)');
    }
    if (record.langs !== undefined) {
      if (!Array.isArray(record.langs) || record.langs.length > 3)
        return bad('Record/langs must not have more than 3 elements');
      if (!record.langs.every((l) => typeof l === 'string' && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9-]+)?$/.test(l))) {
        return bad('Record/langs must be valid language codes');
      }
    }
    if (record.facets !== undefined) {
      if (!Array.isArray(record.facets)) return bad('Record/facets must be an array');
      const boundaries = utf8Boundaries(text);
      const size = Buffer.byteLength(text, 'utf8');
      for (const [i, facet] of record.facets.entries()) {
        const index = isObject(facet) && isObject(facet.index) ? facet.index : undefined;
        const start = index?.byteStart;
        const end = index?.byteEnd;
        if (typeof start !== 'number' || typeof end !== 'number' || start < 0 || end < start) {
          return bad(`Record/facets/${i}/index must have byteStart ≤ byteEnd, both ≥ 0`);
        }
        if (end > size) return bad(`Record/facets/${i}/index is beyond the end of the text`);
        if (!boundaries.has(start) || !boundaries.has(end)) {
          return bad(`Record/facets/${i}/index does not fall on UTF-8 character boundaries`);
        }
        const features = isObject(facet) ? facet.features : undefined;
        if (!Array.isArray(features) || features.length === 0) return bad(`Record/facets/${i}/features is required`);
        for (const feature of features) {
          if (!isObject(feature)) return bad(`Record/facets/${i}/features must be objects`);
          if (feature.$type === 'app.bsky.richtext.facet#link' && !/^https?:\/\/\S+$/.test(String(feature.uri))) {
            return bad(`Record/facets/${i}/features/0/uri must be a valid uri`);
          }
          if (feature.$type === 'app.bsky.richtext.facet#mention' && !String(feature.did).startsWith('did:')) {
            return bad(`Record/facets/${i}/features/0/did must be a valid did`);
          }
          if (
            feature.$type === 'app.bsky.richtext.facet#tag' &&
            (typeof feature.tag !== 'string' || feature.tag.length > 640)
          ) {
            return bad(`Record/facets/${i}/features/0/tag must be a string of at most 640 bytes`);
          }
        }
      }
    }
    if (record.reply !== undefined) {
      const reply = record.reply;
      for (const side of ['root', 'parent'] as const) {
        const ref = isObject(reply) ? reply[side] : undefined;
        if (!isObject(ref) || typeof ref.uri !== 'string' || typeof ref.cid !== 'string') {
          return bad(`Record/reply/${side} must have uri and cid`);
        }
      }
    }
    if (record.embed !== undefined) return checkEmbed(record.embed, bad);
    return undefined;
  }

  function checkEmbed(embed: unknown, bad: (why: string) => string): string | undefined {
    if (!isObject(embed)) return bad('Record/embed must be an object');
    if (embed.$type === 'app.bsky.embed.images') {
      const images = embed.images;
      if (!Array.isArray(images)) return bad('Record/embed/images must be an array');
      if (images.length > 4) return bad('Record/embed/images must not have more than 4 elements');
      for (const [i, item] of images.entries()) {
        if (!isObject(item) || typeof item.alt !== 'string')
          return bad(`Record/embed/images/${i}/alt must be a string`);
        const blob = item.image;
        if (!isObject(blob) || blob.$type !== 'blob' || !isObject(blob.ref) || typeof blob.ref.$link !== 'string') {
          return bad(`Record/embed/images/${i}/image should be a blob ref`);
        }
        const stored = blobs.get(blob.ref.$link);
        if (!stored) return `Could not find blob: ${blob.ref.$link}`;
        if (!stored.mimeType.startsWith('image/'))
          return bad(`Record/embed/images/${i}/image mimeType is not accepted`);
        if (stored.bytes.length > IMAGE_BYTES) {
          return `This file is too large. ${stored.bytes.length} bytes is greater than the maximum of ${IMAGE_BYTES}`;
        }
      }
      return undefined;
    }
    if (embed.$type === 'app.bsky.embed.external') {
      const external = embed.external;
      if (!isObject(external)) return bad('Record/embed/external must be an object');
      for (const key of ['uri', 'title', 'description'] as const) {
        if (typeof external[key] !== 'string') return bad(`Record/embed/external/${key} must be a string`);
      }
      if (!/^https?:\/\//.test(String(external.uri))) return bad('Record/embed/external/uri must be a valid uri');
      return undefined;
    }
    return bad(`Record/embed has an unsupported $type ${String(embed.$type)}`);
  }

  function createRecord(input: Record<string, unknown>): Answer {
    if (input.repo !== did && input.repo !== handle) return invalid('Could not find repo');
    if (typeof input.collection !== 'string' || input.collection !== POST) {
      return invalid(`This emulator only holds ${POST} records`);
    }
    const rkey = input.rkey;
    if (rkey !== undefined && (typeof rkey !== 'string' || !RKEY.test(rkey) || rkey === '.' || rkey === '..')) {
      return invalid('Invalid record key');
    }
    if (!isObject(input.record)) return invalid('Input/record must be an object');
    const problem = checkPost(input.record);
    if (problem) return invalid(problem);
    const key = typeof rkey === 'string' ? rkey : randomBytes(7).toString('hex');
    // The repo's MST refuses a second value at a key with a plain Error, which the XRPC server answers as a 500.
    if (posts.some((p) => p.rkey === key)) return fail(500, 'InternalServerError', 'Internal Server Error');
    const record = input.record;
    const cid = cidOf(JSON.stringify(record), 0x71);
    const reply = record.reply as EmulatedPost['reply'];
    posts.push({
      uri: uriOf(key),
      cid,
      rkey: key,
      text: String(record.text),
      facets: Array.isArray(record.facets) ? record.facets : [],
      langs: Array.isArray(record.langs) ? record.langs.map(String) : [],
      embed: isObject(record.embed) ? record.embed : undefined,
      reply,
      record,
    });
    return {
      status: 200,
      body: {
        uri: uriOf(key),
        cid,
        commit: { cid: cidOf(`commit:${cid}`, 0x71), rev: '3l3qo2vutsw2b' },
        validationStatus: 'valid',
      },
    };
  }

  function getRecord(url: URL): Answer {
    const rkey = url.searchParams.get('rkey') ?? '';
    const repo = url.searchParams.get('repo');
    if (repo !== did && repo !== handle) return invalid(`Could not find repo: ${String(repo)}`);
    const found = url.searchParams.get('collection') === POST ? posts.find((p) => p.rkey === rkey) : undefined;
    if (!found) return fail(400, 'RecordNotFound', `Could not locate record: ${uriOf(rkey)}`);
    return { status: 200, body: { uri: found.uri, cid: found.cid, value: found.record } };
  }

  async function answer(req: IncomingMessage, url: URL, nsid: string, raw: Buffer): Promise<Answer> {
    const json = (): Record<string, unknown> => {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        return isObject(parsed) ? parsed : {};
      } catch {
        return {};
      }
    };
    switch (nsid) {
      case 'com.atproto.server.createSession': {
        const input = json();
        const identifier = typeof input.identifier === 'string' ? input.identifier.toLowerCase() : '';
        if (typeof input.password !== 'string' || !identifier)
          return invalid('Input must have the properties "identifier", "password"');
        if (
          (identifier !== handle && identifier !== did) ||
          input.password !== appPassword ||
          revokedPasswords.has(appPassword)
        ) {
          return fail(401, 'AuthenticationRequired', 'Invalid identifier or password');
        }
        return { status: 200, body: newSession(appPassword) };
      }
      case 'com.atproto.server.refreshSession': {
        const token = bearer(req, 'refresh');
        if ('status' in token) return token;
        liveRefresh.delete(token.jti);
        return { status: 200, body: newSession(token.pw) };
      }
      case 'com.atproto.identity.resolveHandle': {
        const wanted = url.searchParams.get('handle');
        return wanted === handle ? { status: 200, body: { did } } : invalid('Unable to resolve handle');
      }
      default:
        break;
    }
    const token = bearer(req, 'access');
    if ('status' in token) return token;
    switch (nsid) {
      case 'com.atproto.server.getSession':
        return { status: 200, body: { did, handle, active: true, emailConfirmed: true } };
      case 'com.atproto.repo.uploadBlob': {
        const mimeType = String(req.headers['content-type'] ?? '');
        if (raw.length > blobLimit) return fail(413, 'PayloadTooLarge', 'request entity too large');
        if (!mimeType || mimeType === '*/*') return invalid('Blob must have a content type');
        const cid = cidOf(raw, 0x55);
        blobs.set(cid, { cid, mimeType, bytes: raw });
        return { status: 200, body: { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: raw.length } } };
      }
      case 'com.atproto.repo.createRecord':
        return createRecord(json());
      case 'com.atproto.repo.getRecord':
        return getRecord(url);
      case 'com.atproto.repo.deleteRecord': {
        const input = json();
        const index = posts.findIndex((p) => p.rkey === input.rkey && input.collection === POST);
        if (index >= 0) posts.splice(index, 1);
        return { status: 200, body: {} };
      }
      default:
        return fail(501, 'MethodNotImplemented', `Method Not Implemented: ${nsid}`);
    }
  }

  function takeFault(nsid: string): BlueskyFault | undefined {
    const index = faults.findIndex((f) => f.nsid === nsid);
    const entry = faults[index];
    if (!entry) return undefined;
    if (entry.skip > 0) {
      entry.skip--;
      return undefined;
    }
    faults.splice(index, 1);
    return entry.fault;
  }

  /** Writes the rate-limit headers; false when the limit is used up. Only writes (procedures) count. */
  function rateHeaders(res: ServerResponse, counts: boolean): boolean {
    if (Date.now() >= resetAt) {
      remaining = rateLimit;
      resetAt = Date.now() + 60 * 60 * 1000;
    }
    const exhausted = counts && remaining <= 0;
    if (counts && !exhausted) remaining--;
    res.setHeader('ratelimit-limit', String(rateLimit));
    res.setHeader('ratelimit-remaining', String(Math.max(0, remaining)));
    res.setHeader('ratelimit-reset', String(Math.ceil(resetAt / 1000)));
    res.setHeader('ratelimit-policy', `${rateLimit};w=3600`);
    return !exhausted;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const nsid = url.pathname.replace(/^\/xrpc\//, '');
      const raw = await readBody(req);
      const send = (a: Answer) => {
        requests.push({ method: req.method ?? 'GET', nsid, status: a.status });
        res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(a.body));
      };
      const fault = takeFault(nsid);
      if (fault?.kind === 'status') {
        return send(fail(fault.status, fault.error ?? 'InternalServerError', fault.message ?? 'Internal Server Error'));
      }
      if (fault?.kind === 'stall') return void requests.push({ method: req.method ?? 'GET', nsid, status: 0 });
      if (!rateHeaders(res, req.method === 'POST' && nsid.startsWith('com.atproto.repo.'))) {
        return send(fail(429, 'RateLimitExceeded', 'Rate Limit Exceeded'));
      }
      const result = await answer(req, url, nsid, raw);
      if (fault?.kind === 'hang') return void requests.push({ method: req.method ?? 'GET', nsid, status: 0 });
      if (fault?.kind === 'drop') {
        requests.push({ method: req.method ?? 'GET', nsid, status: 0 });
        return void res.socket?.destroy();
      }
      send(result);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'InternalServerError', message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    handle,
    did,
    get appPassword() {
      return appPassword;
    },
    posts,
    blobs,
    requests,
    count: (nsid) => requests.filter((r) => r.nsid === nsid).length,
    revokeAppPassword() {
      revokedPasswords.add(appPassword);
      appPassword = `revoked-${appPassword}`;
    },
    exhaustRateLimit(resetInMs) {
      remaining = 0;
      resetAt = Date.now() + resetInMs;
    },
    failNext: (nsid, fault, skip = 0) => void faults.push({ nsid, fault, skip }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
