import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { launchChromium } from './chromium.ts';
import { startWebHost, type RunningWebHost } from './web-host.ts';

export type E2eApp = {
  host(): RunningWebHost;
  browser(): Browser;
  /** A fresh tab on the app, signed in with the host's token. */
  open(): Promise<Page>;
  /** Lets console errors matching `pattern` pass for the current test only (say why where it is called). */
  allowConsoleErrors(pattern: RegExp): void;
};

/**
 * Per test file: one real web host on a fresh data folder and one Chromium.
 * After every test, no console error (CSP violation, failed request, uncaught error) may have happened.
 */
export function useE2eApp(
  options: {
    /** Extra arguments for `web.ts` (`--channels-module …`, `--no-worker`). */
    hostArgs?: string[];
    /** Fills the data folder before the host starts (e.g. 10,000 publications). */
    seed?: (dataDir: string) => Promise<void>;
  } = {},
): E2eApp {
  let host: RunningWebHost | undefined;
  let browser: Browser | undefined;
  const consoleErrors: string[] = [];
  let allowed: RegExp[] = [];
  let seededDir: string | undefined;

  beforeAll(async () => {
    let dataDir: string | undefined;
    if (options.seed) {
      dataDir = seededDir = mkdtempSync(join(tmpdir(), 'town-crier-e2e-seeded-'));
      await options.seed(dataDir);
    }
    host = await startWebHost({
      ...(options.hostArgs ? { args: options.hostArgs } : {}),
      ...(dataDir ? { dataDir } : {}),
    });
    browser = await launchChromium();
    mkdirSync('test-results', { recursive: true });
  });
  afterEach(() => {
    const unexpected = consoleErrors.splice(0).filter((text) => !allowed.some((p) => p.test(text)));
    allowed = [];
    expect(unexpected).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    if (seededDir) rmSync(seededDir, { recursive: true, force: true });
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start`);
    return value;
  };
  return {
    host: () => need(host, 'The web host'),
    browser: () => need(browser, 'Chromium'),
    allowConsoleErrors(pattern) {
      allowed.push(pattern);
    },
    async open() {
      const page = await need(browser, 'Chromium').newPage({ viewport: { width: 1280, height: 860 } });
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(need(host, 'The web host').url);
      await page.getByRole('heading', { name: 'Updates' }).waitFor();
      return page;
    },
  };
}

/** Waits until the editor says everything typed is saved. */
export async function waitForSaved(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page
          .getByRole('status')
          .filter({ hasText: /Saved|Unsaved|Saving/ })
          .first()
          .textContent(),
      {
        timeout: 10_000,
      },
    )
    .toMatch(/^✓ Saved today/);
}
