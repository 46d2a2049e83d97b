import { expect, test } from 'vitest';
import { axeViolations } from '../support/axe.ts';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';

const app = useE2eApp();

test('writes an update with bold text and a link, and finds it intact after a reload', async () => {
  const page = await app.open();
  // The token moves out of the address bar into session storage.
  await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false);
  await page.getByText('No updates yet').waitFor();

  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('A6 Wellington Road closed northbound');
  await page.getByLabel('Summary', { exact: true }).fill('Closed from 8pm on Friday for resurfacing.');

  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await page.keyboard.type('The road is ');
  await page.keyboard.press('Control+b');
  await page.keyboard.type('closed all weekend');
  await page.keyboard.press('Control+b');
  await page.keyboard.type('. See the ');
  // Add a link from the keyboard shortcut, with the toolbar's link form.
  await page.keyboard.press('Control+k');
  const linkInput = page.getByLabel('Link to');
  await linkInput.fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Add link' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Use a web address starting https://' }).isVisible(),
  ).resolves.toBe(true);
  await linkInput.fill('www.stockport.gov.uk/roadworks');
  await linkInput.press('Enter');
  // Typing goes on in the body once the form has handed focus back.
  await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('ProseMirror'))).toBe(true);
  await page.keyboard.type(' page.');

  await waitForSaved(page);
  await page.screenshot({ path: 'test-results/editor.png' });
  expect(await axeViolations(page)).toEqual([]);

  await page.reload();
  await page.goto(`${app.host().origin}/#/updates`);
  const row = page.getByRole('listitem').filter({ hasText: 'A6 Wellington Road closed northbound' });
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain('Closed from 8pm on Friday for resurfacing.');
  await page.screenshot({ path: 'test-results/updates-list.png' });
  expect(await axeViolations(page)).toEqual([]);

  await row.getByRole('link').click();
  const reopened = page.getByRole('textbox', { name: 'Body' });
  await reopened.waitFor();
  await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe(
    'A6 Wellington Road closed northbound',
  );
  await expect(reopened.locator('strong').textContent()).resolves.toBe('closed all weekend');
  await expect(reopened.locator('a').getAttribute('href')).resolves.toBe('https://www.stockport.gov.uk/roadworks');
  await expect(reopened.locator('a').textContent()).resolves.toBe('https://www.stockport.gov.uk/roadworks');
  await expect(reopened.innerText()).resolves.toContain(
    'The road is closed all weekend. See the https://www.stockport.gov.uk/roadworks page.',
  );
  await page.screenshot({ path: 'test-results/reopened.png' });
});

test('the toolbar works from the keyboard alone', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Leisure centre reopens');
  const body = page.getByRole('textbox', { name: 'Body' });
  await body.click();
  await page.keyboard.type('Opening times');
  // Shift+Tab from the body reaches the toolbar; arrow keys move along it; Enter presses a button.
  await page.keyboard.press('Shift+Tab');
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
  await expect.poll(focused).toMatch(/^(Bold|Redo|Undo)/);
  await page.keyboard.press('Home');
  await expect.poll(focused).toBe('Bold');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect.poll(focused).toBe('H2 heading');
  await page.keyboard.press('Enter');
  await expect(body.locator('h2').textContent()).resolves.toBe('Opening times');
  await expect(page.getByRole('button', { name: 'H2 heading' }).getAttribute('aria-pressed')).resolves.toBe('true');
  await waitForSaved(page);
});

test('opening the page without the token explains what to do', async () => {
  const fresh = await app.browser().newPage();
  await fresh.goto(`${app.host().origin}/`);
  await fresh.getByRole('heading', { name: 'Town Crier cannot connect' }).waitFor();
  expect(await fresh.getByText('?token=').count()).toBeGreaterThan(0);
  await fresh.close();
});
