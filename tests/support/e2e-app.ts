import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { launchChromium } from './chromium.ts';
import { adminSession, callHost, startWebHost, type RunningWebHost } from './web-host.ts';

export type E2eApp = {
  host(): RunningWebHost;
  browser(): Browser;
  /** Ada's session (the first admin, set up over HTTP when the host started). */
  session(): string;
  /**
   * A fresh tab on the app with the host's token, signed in as Ada (or as the
   * person whose session is given); `{ signedIn: false }` opens it signed out.
   */
  open(options?: { session?: string; signedIn?: boolean }): Promise<Page>;
  /** Submits the update's current version as Ada and approves it as a second person (over HTTP). */
  approve(updateId: string): Promise<void>;
  /** Adds Priya, an approver, if she is not there yet (Ada cannot approve her own updates); returns her session. */
  ensureApprover(): Promise<string>;
  /**
   * The same for the update open in `page` (after everything typed is saved), then waits until the page
   * shows it approved: the approval reaches the open editor live, through the review.changed event.
   */
  approveOpenUpdate(page: Page): Promise<void>;
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
  let session: string | undefined;
  let approverSession: string | undefined;

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
    session = await adminSession(host);
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
    session: () => need(session, 'Set-up'),
    allowConsoleErrors(pattern) {
      allowed.push(pattern);
    },
    async ensureApprover() {
      const running = need(host, 'The web host');
      const admin = need(session, 'Set-up');
      if (!approverSession) {
        const person = { email: 'priya.approver@council.example', password: 'another long passphrase' };
        await callHost(running, 'people.create', { name: 'Priya Approver', roles: ['approver'], ...person }, admin);
        approverSession = (await callHost<{ token: string }>(running, 'auth.signIn', person)).token;
      }
      return approverSession;
    },
    async approve(updateId) {
      const running = need(host, 'The web host');
      const admin = need(session, 'Set-up');
      const approver = await this.ensureApprover();
      const update = await callHost<{ revision: number; reviewState: string }>(
        running,
        'updates.get',
        { id: updateId },
        admin,
      );
      if (update.reviewState === 'approved') return;
      if (update.reviewState !== 'in_review') {
        await callHost(running, 'review.submit', { updateId, revision: update.revision }, admin);
      }
      await callHost(running, 'review.approve', { updateId, revision: update.revision }, approver);
    },
    async approveOpenUpdate(page) {
      await waitForSaved(page);
      const id = /#\/updates\/([0-9a-f-]{36})/.exec(page.url())?.[1];
      if (!id) throw new Error(`No update is open at ${page.url()}`);
      await this.approve(id);
      await expect
        .poll(() => page.locator('.review-panel .review-state').textContent(), { timeout: 15_000 })
        .toMatch(/^Approved\./);
    },
    async open(openOptions = {}) {
      const page = await need(browser, 'Chromium').newPage({ viewport: { width: 1280, height: 860 } });
      // Actions wait for the page to be ready; on a loaded 2-core CI machine that can take longer than Playwright's 30 s.
      page.setDefaultTimeout(60_000);
      const token = openOptions.signedIn === false ? null : (openOptions.session ?? need(session, 'Set-up'));
      // The page keeps its session in this tab's sessionStorage, exactly where signing in puts it.
      // Only the top frame: the email preview is a sandboxed frame with no storage at all.
      if (token) {
        await page.addInitScript((t) => {
          if (window === window.top) window.sessionStorage.setItem('town-crier-session', t);
        }, token);
      }
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(need(host, 'The web host').url);
      if (token) await page.getByRole('heading', { name: 'Updates' }).waitFor();
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
