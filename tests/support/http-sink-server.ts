import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 standing in for a channel's API. The test
 * decides how it answers each POST: publish and answer, fail with a status
 * (429 with Retry-After, 500, 401, 422), publish and then hang or drop the
 * connection (an unknown outcome), or answer slowly. Posts sent with an
 * `Idempotency-Key` it has already published are answered with the first
 * post, as Mastodon does, and not published again.
 */
export type SinkBehaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  /** Closes the connection without an answer; `stored: false` means the platform never kept the post. */
  | { kind: 'drop'; afterMs?: number; stored?: boolean };

export type SinkRequest = {
  deliveryId: string;
  title: string;
  text: string;
  /** The delivery's stable key (sent by every sink adapter, for look-ups). */
  key: string | null;
  idempotencyKey: string | null;
  authorization: string | null;
  /** 1 for the first request about this delivery, 2 for the second… */
  nth: number;
  at: number;
};

export type SinkPost = {
  id: string;
  url: string;
  deliveryId: string;
  key: string | null;
  idempotencyKey: string | null;
  at: number;
};

export type HttpSink = {
  url: string;
  requests: SinkRequest[];
  posts: SinkPost[];
  /** Sets how the next requests are answered (default: publish and answer 200). */
  behave(decide: (request: SinkRequest) => SinkBehaviour): void;
  /** Answers every hung request with 200 (they were published when they arrived). */
  releaseHung(): void;
  requestsFor(deliveryId: string): SinkRequest[];
  postsFor(deliveryId: string): SinkPost[];
  /** Closes the port (connections are refused) until `restart`. */
  stop(): Promise<void>;
  restart(): Promise<void>;
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Starts a sink on a free loopback port. */
export async function startHttpSink(): Promise<HttpSink> {
  const requests: SinkRequest[] = [];
  const posts: SinkPost[] = [];
  const hung = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let decide: (request: SinkRequest) => SinkBehaviour = () => ({ kind: 'ok' });
  let port = 0;
  let base = '';

  const publish = (request: SinkRequest): SinkPost => {
    const id = randomUUID();
    const post = {
      id,
      url: `${base}/p/${id}`,
      deliveryId: request.deliveryId,
      key: request.key,
      idempotencyKey: request.idempotencyKey,
      at: Date.now(),
    };
    posts.push(post);
    return post;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://sink').pathname;
    if (req.method === 'GET' && path === '/health') return send(res, 200, { ok: true });
    if (req.method === 'GET' && path.startsWith('/posts/by-key/')) {
      const key = decodeURIComponent(path.slice('/posts/by-key/'.length));
      const post = posts.find((p) => p.key === key);
      return post ? send(res, 200, { id: post.id, url: post.url }) : send(res, 404, { error: 'No such post' });
    }
    if (req.method !== 'POST' || path !== '/posts') return send(res, 404, { error: 'Not found' });
    const body = await readJson(req);
    const deliveryId = typeof body.deliveryId === 'string' ? body.deliveryId : '';
    const request: SinkRequest = {
      deliveryId,
      title: typeof body.title === 'string' ? body.title : '',
      text: typeof body.text === 'string' ? body.text : '',
      key: header(req, 'x-delivery-key'),
      idempotencyKey: header(req, 'idempotency-key'),
      authorization: header(req, 'authorization'),
      nth: requests.filter((r) => r.deliveryId === deliveryId).length + 1,
      at: Date.now(),
    };
    requests.push(request);
    const earlier = request.idempotencyKey ? posts.find((p) => p.idempotencyKey === request.idempotencyKey) : undefined;
    if (earlier) return send(res, 200, { id: earlier.id, url: earlier.url });
    const behaviour = decide(request);
    if (behaviour.kind === 'status') {
      return send(res, behaviour.status, behaviour.body ?? { error: `HTTP ${behaviour.status}` }, behaviour.headers);
    }
    if (behaviour.kind === 'drop' && behaviour.stored === false) {
      setTimeout(() => req.socket.destroy(), behaviour.afterMs ?? 0);
      return;
    }
    const post = publish(request);
    switch (behaviour.kind) {
      case 'ok':
        return send(res, 201, { id: post.id, url: post.url });
      case 'delay':
        setTimeout(() => send(res, 201, { id: post.id, url: post.url }), behaviour.ms);
        return;
      case 'hang':
        hung.add(res);
        res.once('close', () => hung.delete(res));
        (res as ServerResponse & { sinkPost?: SinkPost }).sinkPost = post;
        return;
      case 'drop':
        setTimeout(() => req.socket.destroy(), behaviour.afterMs ?? 0);
        return;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: 'sink failed' }));
  });
  // Long keep-alive: an idle socket closed by the server while the client reuses it would look like a dropped send.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        base = `http://127.0.0.1:${port}`;
        resolve();
      });
    });
  await listen();

  return {
    url: base,
    requests,
    posts,
    behave(next) {
      decide = next;
    },
    releaseHung() {
      for (const res of hung) {
        const post = (res as ServerResponse & { sinkPost?: SinkPost }).sinkPost;
        send(res, 201, { id: post?.id, url: post?.url });
      }
      hung.clear();
    },
    requestsFor: (deliveryId) => requests.filter((r) => r.deliveryId === deliveryId),
    postsFor: (deliveryId) => posts.filter((p) => p.deliveryId === deliveryId),
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restart: listen,
  };
}
