import { expect, test } from 'vitest';
import { useE2eApp, waitForSaved } from '../support/e2e-app.ts';
import { axeViolations } from '../support/axe.ts';

const app = useE2eApp();

test('restores an old version from the history, keeping every version', async () => {
  const page = await app.open();
  await page.getByRole('button', { name: 'New update' }).click();
  const title = page.getByLabel('Title', { exact: true });
  await title.fill('Garden waste collections resume');
  await page.getByRole('textbox', { name: 'Body' }).click();
  await page.keyboard.type('Collections resume on Monday 2 March.');
  await waitForSaved(page);

  await title.fill('Garden waste collections cancelled');
  await page.getByRole('textbox', { name: 'Body' }).click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('All collections are cancelled.');
  await waitForSaved(page);

  await page.getByText('Version history').click();
  const versions = page.getByRole('list', { name: 'Saved versions' });
  await versions.getByRole('listitem').first().waitFor();
  const firstDraft = versions.getByRole('listitem').filter({ hasText: 'Garden waste collections resume' }).last();
  await firstDraft.getByRole('button', { name: /^View/ }).click();
  await expect(page.locator('.version-body').textContent()).resolves.toBe('Collections resume on Monday 2 March.');
  await page.screenshot({ path: 'test-results/version-history.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  await firstDraft.getByRole('button', { name: /^Restore/ }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /^Restored version \d+ as version \d+\.$/ })
    .waitFor();
  await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe('Garden waste collections resume');
  await expect(page.getByRole('textbox', { name: 'Body' }).innerText()).resolves.toBe(
    'Collections resume on Monday 2 March.',
  );

  // Survives a reload: the restore is a saved version, and the replaced text is still in the history.
  await page.reload();
  await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe('Garden waste collections resume');
  await page.getByText('Version history').click();
  await page
    .getByRole('list', { name: 'Saved versions' })
    .getByRole('listitem')
    .filter({ hasText: 'Garden waste collections cancelled' })
    .first()
    .waitFor();
});
