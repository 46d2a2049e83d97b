import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { contract, events as eventSchemas } from '../../shared/contract.ts';
import type { ErrorCode, Result } from '../../shared/domain/errors.ts';
import type { Core } from '../core/app.ts';
import type { Logger } from '../core/logging/logger.ts';
import { WEB_CSP } from './web-csp.ts';
import type { UnsubscribeHandler } from '../core/email/unsubscribe-page.ts';
import { serveUnsubscribe } from './unsubscribe-server.ts';

export type WebServerOptions = {
  core: Core;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  logger: Logger;
  port?: number;
  /** Fixed only in tests; normally a fresh random token each start. */
  token?: string;
  /** Serves `/u/<token>` (email unsubscribe) outside `/api/`, with no app token. */
  unsubscribe?: UnsubscribeHandler;
};

export type WebServer = { url: string; port: number; token: string; close(): Promise<void> };

/** Room for a 10 MB image as base64 (a third larger) plus its JSON wrapper (media.add). */
export const MAX_BODY_BYTES = 15 * 1024 * 1024;
const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  invalid_json: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  locked: 401,
  too_large: 413,
  internal: 500,
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** Lists every method with its input and output as JSON Schema, for `GET /api/methods`. */
export function describeMethods() {
  const schema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });
  return {
    methods: Object.entries(contract).map(([name, spec]) => ({
      name,
      summary: spec.summary,
      input: schema(spec.input, 'input'),
      output: schema(spec.output, 'output'),
    })),
    events: Object.entries(eventSchemas).map(([name, s]) => ({ name, payload: schema(s, 'output') })),
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  const result: Result<never> = { ok: false, error: { code, message } };
  sendJson(res, STATUS[code], result);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves the built renderer and the core's contract over HTTP on 127.0.0.1
 * only. Every API request needs the start-up token; requests from another
 * origin (or through another Host name, as in DNS rebinding) are refused.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { core, logger } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = resolve(options.staticDir);
  const streams = new Set<ServerResponse>();
  let port = 0;

  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const serveStatic = async (pathname: string, res: ServerResponse) => {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = resolve(staticRoot, relative);
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return sendError(res, 'not_found', 'Not found');
    try {
      const info = await stat(file);
      if (!info.isFile()) return sendError(res, 'not_found', 'Not found');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': WEB_CSP,
        'cache-control': relative === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
      });
      res.end(body);
    } catch {
      sendError(res, 'not_found', 'Not found');
    }
  };

  const openEventStream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = core.subscribe((event) => {
      res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    // Unsubscribe links arrive through the council's proxy (another Host) from mail providers and browsers.
    if (options.unsubscribe && (await serveUnsubscribe(req, res, options.unsubscribe))) return;
    if (!allowedHosts().includes(req.headers.host ?? '')) return sendError(res, 'forbidden', 'Unknown Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) {
      return sendError(res, 'forbidden', 'Requests from another origin are refused');
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'not_found', 'Not found');
      return serveStatic(url.pathname, res);
    }
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!sameToken(given, token))
      return sendError(res, 'unauthorized', 'Missing or wrong token: open the address the web host printed');

    if (url.pathname === '/api/methods' && req.method === 'GET') return sendJson(res, 200, describeMethods());
    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(req, res);
    if (req.method !== 'POST') return sendError(res, 'not_found', 'Use POST /api/<method>');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendError(res, 'invalid_json', 'Send the input as JSON with content-type application/json');
    }
    const raw = await readBody(req);
    if (raw === null) return sendError(res, 'too_large', 'The request is larger than 5 MB');
    let input: unknown;
    try {
      input = raw.length === 0 ? {} : JSON.parse(raw);
    } catch {
      return sendError(res, 'invalid_json', 'The request body is not valid JSON');
    }
    const method = url.pathname.slice('/api/'.length);
    // The signed-in person's session travels in its own header, never in the URL (URLs reach logs).
    const session = req.headers['x-town-crier-session'];
    const result = await core.call(method, input, { session: typeof session === 'string' ? session : undefined });
    sendJson(res, result.ok ? 200 : STATUS[result.error.code], result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('Web host request failed', { error });
      if (!res.headersSent) sendError(res, 'internal', 'Internal error');
      else res.end();
    });
  });
  server.requestTimeout = 60_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const stream of streams) stream.end();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
