import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UnsubscribeHandler } from '../core/email/unsubscribe-page.ts';
import { unsubscribeTokenOf } from '../core/email/unsubscribe-page.ts';
import type { Logger } from '../core/logging/logger.ts';

/** RFC 8058 bodies are one short form field; anything longer is refused rather than buffered. */
const MAX_UNSUBSCRIBE_BODY = 8 * 1024;

/**
 * Serves `/u/<token>` if the request is for it: returns false for any other
 * path. No app token, Host or Origin check applies: the signed token is the
 * only authority, no cookie is involved, and the council's proxy forwards
 * these requests under its own public host name.
 */
export async function serveUnsubscribe(
  req: IncomingMessage,
  res: ServerResponse,
  handler: UnsubscribeHandler,
): Promise<boolean> {
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  const token = unsubscribeTokenOf(pathname);
  if (token === null) return false;
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UNSUBSCRIBE_BODY) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The request is too large.');
      return true;
    }
  }
  const answer = await handler({ method: req.method ?? 'GET', token });
  res.writeHead(answer.status, answer.headers);
  res.end(req.method === 'HEAD' ? undefined : answer.html);
  return true;
}

export type UnsubscribeServer = { url: string; port: number; close(): Promise<void> };

/** The headless worker's small HTTP listener: `/u/<token>` and nothing else. */
export async function startUnsubscribeServer(options: {
  handler: UnsubscribeHandler;
  port: number;
  host: string;
  logger: Logger;
}): Promise<UnsubscribeServer> {
  const server = createServer((req, res) => {
    serveUnsubscribe(req, res, options.handler)
      .then((served) => {
        if (!served) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('Not found');
        }
      })
      .catch((error: unknown) => {
        options.logger.error('An unsubscribe request failed', { error });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Something went wrong. Nothing has been changed; please try again later.');
      });
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
