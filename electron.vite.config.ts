import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { APP_CSP_META } from './shared/security/csp.ts';

/** Puts the app's one CSP (shared/security/csp.ts) into index.html, so the page has it even from file://. */
const cspMeta: Plugin = {
  name: 'town-crier-csp-meta',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: APP_CSP_META },
      injectTo: 'head-prepend',
    },
  ],
};

/**
 * Three bundles: main (ESM, runs the core, plus the queue worker's thread entry), preload (CommonJS, because
 * sandboxed preloads cannot load ES modules) and the React renderer.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          // The queue worker's thread (boot.ts starts out/main/worker-thread.js with worker_threads).
          'worker-thread': resolve(import.meta.dirname, 'electron/hosts/worker-thread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react(), cspMeta],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
