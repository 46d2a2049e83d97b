import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { APP_CSP_META } from '../../shared/security/csp.ts';

const out = resolve(import.meta.dirname, '../../out');
const read = (path: string) => {
  const file = resolve(out, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm test does)`);
  return readFileSync(file, 'utf8');
};

/** `npm run build` (electron-vite) must give Electron three loadable bundles. */
describe('production build', () => {
  it('bundles the main process, which loads the core and never the renderer', () => {
    const main = read('main/index.js');
    expect(main).toMatch(/from ["']electron["']|require\(["']electron["']\)/);
    expect(main).toContain('crier:invoke');
  });

  it('bundles the queue worker thread beside the main bundle, without Electron (it runs in a worker thread)', () => {
    const thread = read('main/worker-thread.js');
    expect(thread).toMatch(/from ["']node:worker_threads["']/);
    expect(thread).toContain('createWorkerOnStore');
    expect(thread).not.toMatch(/from ["']electron["']|require\(["']electron["']\)/);
    // boot.ts starts the file by this name from the folder index.js is in.
    expect(read('main/index.js')).toContain('worker-thread.js');
  });

  it('bundles the preload as CommonJS, as sandboxed preloads require', () => {
    const preload = read('preload/index.cjs');
    expect(preload).toMatch(/require\(["']electron["']\)/);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).not.toMatch(/^\s*export\s/m);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('bundles the renderer with relative asset paths (it loads from file:// in the app) and a strict CSP', () => {
    const html = read('renderer/index.html');
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(meta.replaceAll('&#39;', "'")).toBe(APP_CSP_META);
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    const assets = readdirSync(resolve(out, 'renderer/assets'));
    expect(assets.some((f) => f.endsWith('.css'))).toBe(true);
  });
});
