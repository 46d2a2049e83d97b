import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where the renderer is served from: the electron-vite dev server (development
 * only) or the built `index.html` on disk. Everything that decides "is this
 * our own page?" (navigation, IPC sender checks, CSP) asks this one value.
 */
export type RendererLocation = { kind: 'dev-server'; url: string } | { kind: 'file'; indexPath: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseUrl(text: string): URL | undefined {
  return URL.canParse(text) ? new URL(text) : undefined;
}

/**
 * Picks the renderer location. The dev server URL is honoured only in an
 * unpackaged app and only on loopback http, so an environment variable can
 * never point a shipped app (and its `window.crier` bridge) at a remote site.
 */
export function resolveRendererLocation(opts: {
  isPackaged: boolean;
  devServerUrl: string | undefined;
  rendererDir: string;
}): RendererLocation {
  if (!opts.isPackaged && opts.devServerUrl) {
    const url = parseUrl(opts.devServerUrl);
    if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) {
      throw new Error('ELECTRON_RENDERER_URL must be an http:// address on localhost');
    }
    return { kind: 'dev-server', url: new URL('/', url).href };
  }
  return { kind: 'file', indexPath: resolve(opts.rendererDir, 'index.html') };
}

/** The address to load for a page of the app, optionally at a hash route such as `/updates`. */
export function rendererPageUrl(location: RendererLocation, route?: string): string {
  const url = location.kind === 'dev-server' ? new URL(location.url) : pathToFileURL(location.indexPath);
  if (route !== undefined) url.hash = route;
  return url.href;
}

function localPath(url: URL): string | undefined {
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) return undefined;
  const bare = new URL(url.href);
  bare.search = '';
  bare.hash = '';
  try {
    return normalize(fileURLToPath(bare));
  } catch (error) {
    // An encoded "/" or a foreign drive form makes the URL unusable as a path: not ours.
    if (error instanceof TypeError) return undefined;
    throw error;
  }
}

const samePath = (a: string, b: string) =>
  process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;

/**
 * True for the app's own top-level page: the dev server's origin, or exactly
 * the built `index.html` (any hash or query). Other local files are not ours:
 * a file:// page elsewhere on disk must never reach the bridge.
 */
export function isAppPageUrl(candidate: string, location: RendererLocation): boolean {
  const url = parseUrl(candidate);
  if (!url) return false;
  if (location.kind === 'dev-server') return url.origin === new URL(location.url).origin;
  const path = localPath(url);
  return path !== undefined && samePath(path, normalize(location.indexPath));
}

/** True for any resource the app serves itself (used to decide where our CSP header goes). */
export function isAppResourceUrl(candidate: string, location: RendererLocation): boolean {
  const url = parseUrl(candidate);
  if (!url) return false;
  if (location.kind === 'dev-server') return url.origin === new URL(location.url).origin;
  const path = localPath(url);
  if (path === undefined) return false;
  const rel = relative(resolve(location.indexPath, '..'), path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** A URL reduced to scheme and host, for log lines (paths and queries can carry tokens). */
export function describeUrl(candidate: string | undefined): string {
  const url = candidate === undefined ? undefined : parseUrl(candidate);
  if (!url) return 'an unreadable address';
  return url.host ? `${url.protocol}//${url.host}` : url.protocol;
}
