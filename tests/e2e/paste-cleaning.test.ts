import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import type { Page } from 'playwright';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';

const app = useE2eApp();
const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, '../fixtures/paste', name), 'utf8');

/** Pastes HTML into the focused editor exactly as the browser does for a real paste: a ClipboardEvent with text/html. */
async function pasteHtml(page: Page, html: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Body' }).click();
  await page.evaluate((markup) => {
    const data = new DataTransfer();
    data.setData('text/html', markup);
    data.setData('text/plain', 'plain fallback');
    document.activeElement?.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, html);
}

/**
 * Parsing the pasted HTML (even in an inert DOMParser document, before any of
 * it reaches the page) makes Chromium report the page's CSP refusing its
 * inline styles and handlers. Those reports are expected; anything else is not.
 */
const CSP_REPORT =
  /^(Applying inline style|Executing inline event handler) violates the following Content Security Policy/;

async function bodyHtml(page: Page): Promise<string> {
  return page.getByRole('textbox', { name: 'Body' }).evaluate((el) => el.innerHTML);
}

async function newUpdate(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill(title);
}

const DIRTY =
  /<script|onerror|onclick|style=|class="?Mso|<o:p|<span|<img|font-family|javascript:|docs-internal|google\.com\/url|data-tracking/i;

test('pasting from Word keeps headings, bold, italic, links and lists, and nothing else', async () => {
  app.allowConsoleErrors(CSP_REPORT);
  const page = await app.open();
  await newUpdate(page, 'Christmas bins (from Word)');
  await pasteHtml(page, fixture('word.html'));
  const html = await bodyHtml(page);
  expect(html).not.toMatch(DIRTY);
  expect(html).toContain('<h2>Christmas bin collections</h2>');
  expect(html).toContain('<strong>one day</strong>');
  expect(html).toContain('<em>new</em>');
  expect(html).toMatch(
    /<a [^>]*href="https:\/\/www\.example\.gov\.uk\/bins\?utm_source=word"[^>]*>on our website<\/a>/,
  );
  expect(html).toMatch(/<ul><li><p>Black bins: Saturday<\/p><\/li><li><p>Blue bins: Sunday<\/p><\/li><\/ul>/);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  await waitForSaved(page);
  await page.screenshot({ path: 'test-results/paste-word.png' });
});

test('pasting from Google Docs turns styled spans into bold and italic, unwraps tracking links and drops script links', async () => {
  app.allowConsoleErrors(CSP_REPORT);
  const page = await app.open();
  await newUpdate(page, 'A6 closure (from Google Docs)');
  await pasteHtml(page, fixture('google-docs.html'));
  const html = await bodyHtml(page);
  expect(html).not.toMatch(DIRTY);
  expect(html).toContain('<h2>Road closure: A6 Wellington Road</h2>');
  // The whole paste is wrapped in Docs' non-bold <b>: it must not make everything bold.
  expect(html).toContain('<p>The road is <strong>closed northbound</strong><em> from 8pm</em> on Friday.</p>');
  expect(html).toContain('>roadworks list</a>');
  expect(html).toContain('href="https://www.example.gov.uk/roadworks"');
  expect(html).toContain('Diversion map');
  expect(html).not.toMatch(/<a[^>]*>Diversion map/);
  expect(html).toMatch(/<ol><li><p>Follow the signs<\/p><\/li><li><p>Allow extra time<\/p><\/li><\/ol>/);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();

  // What was stored is clean too: reload and read it back through the app.
  await waitForSaved(page);
  await page.reload();
  const stored = await bodyHtml(page);
  expect(stored).not.toMatch(DIRTY);
  expect(stored).toContain('<strong>closed northbound</strong>');
  // Safari and Chrome add a trailing "interchange" <br>; it must not become an empty line.
  expect(stored).not.toContain('<br>');
});
