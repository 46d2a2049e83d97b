import { expect, test } from 'vitest';
import type { Page } from 'playwright';
import { axeViolations } from '../support/axe.ts';
import { descriptionOf } from '../support/described-by.ts';
import { useE2eApp } from '../support/e2e-app.ts';
import { ADA } from '../support/people.ts';

/**
 * People end to end in real Chromium: an admin adds an author, the author
 * signs in and sees no People page, the admin disables them and their open
 * tab goes back to sign-in, the last admin cannot be removed, and the
 * approval rule is saved. The core answers refusals with 400/401/409, which
 * Chromium logs as failed loads; each test says which it expects.
 */
const app = useE2eApp();

const SAM = { name: 'Sam Author', email: 'sam.author@council.example', password: 'sam first passphrase' };

async function openPeople(page: Page) {
  await page.getByRole('link', { name: 'People' }).click();
  await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByRole('heading', { name: 'Sign in to Town Crier' }).waitFor();
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });

test('an admin adds an author, who signs in without People; disabled, their open tab returns to sign-in', async () => {
  app.allowConsoleErrors(/status of (400|401|409)/);
  const admin = await app.open();
  await openPeople(admin);
  const everyone = admin.getByRole('table');
  await expect.poll(() => everyone.getByRole('row').count()).toBe(2); // header + Ada

  const form = admin.getByRole('form', { name: 'Add a person' });
  await form.getByLabel('Name', { exact: true }).fill(SAM.name);
  await form.getByLabel('Work email').fill(ADA.email);
  await form.getByLabel('First password').fill('too short');
  await expect(form.getByRole('checkbox', { name: 'Author' }).isChecked()).resolves.toBe(true);
  // The hint says to change the first password; the core's refusal is tied to the field it names.
  await expect(descriptionOf(form.getByLabel('First password'))).resolves.toMatch(/should change it/);
  await form.getByRole('button', { name: 'Add this person' }).click();
  await expect
    .poll(() => descriptionOf(form.getByLabel('First password')))
    .toMatch(/A password must be at least 12 characters/);
  await expect(form.getByLabel('First password').getAttribute('aria-invalid')).resolves.toBe('true');

  await form.getByLabel('First password').fill(SAM.password);
  await form.getByRole('button', { name: 'Add this person' }).click();
  await expect
    .poll(() => descriptionOf(form.getByLabel('Work email')))
    .toMatch(`Someone with the email ${ADA.email} already exists.`);
  await expect(form.getByLabel('First password').getAttribute('aria-invalid')).resolves.toBeNull();

  // No role at all is refused next to the roles.
  await form.getByLabel('Work email').fill(SAM.email);
  await form.getByRole('checkbox', { name: 'Author' }).uncheck();
  await form.getByRole('button', { name: 'Add this person' }).click();
  await form.getByRole('group', { name: 'Roles' }).getByText('Choose at least one role').waitFor();
  await form.getByRole('checkbox', { name: 'Author' }).check();
  await form.getByRole('button', { name: 'Add this person' }).click();
  await status(admin, 'Added Sam Author as Author.').waitFor();
  const samRow = everyone.getByRole('row', { name: /Sam Author/ });
  await expect
    .poll(() => samRow.getByRole('cell').allTextContents())
    .toEqual([SAM.email, 'Author', 'No', '✓ Active', 'Change…']);
  await expect(form.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('');

  // Sam signs in in a fresh tab: no People link (only "Your account") and no audit log.
  const sam = await app.open({ signedIn: false });
  await signIn(sam, SAM.email, SAM.password);
  await sam.getByRole('heading', { name: 'Updates' }).waitFor();
  const nav = sam.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
    'Updates',
    'Queue',
    'Channels',
    'Subscribers',
    'Approvals',
    'Your account',
  ]);
  await nav.getByRole('link', { name: 'Your account' }).click();
  await sam.getByRole('heading', { name: 'People and your account', level: 1 }).waitFor();
  await sam.getByText('Only an admin can add people, change their roles').waitFor();
  await sam.getByText('The admins here are: Ada Admin.').waitFor();
  await expect(sam.getByRole('table').count()).resolves.toBe(0);
  await sam.getByText('Every update needs one approval before it is published.').waitFor();
  await expect(sam.getByRole('button', { name: 'Save approval rules' }).count()).resolves.toBe(0);

  // Changing your own password: a wrong current one is refused next to it; then it works.
  const account = sam.getByRole('form', { name: 'Change your password' });
  await account.getByLabel('Current password').fill('not my password');
  await account.getByLabel('New password', { exact: true }).fill('sam chosen passphrase');
  await account.getByLabel('New password again').fill('sam chosen passphrase');
  await account.getByRole('button', { name: 'Change password' }).click();
  await expect
    .poll(() => descriptionOf(account.getByLabel('Current password')))
    .toMatch('Your current password is not right.');
  await account.getByLabel('Current password').fill(SAM.password);
  await account.getByRole('button', { name: 'Change password' }).click();
  await status(sam, 'Your password is changed.').waitFor();
  await sam.screenshot({ path: 'test-results/people-author.png', fullPage: true });
  expect(await axeViolations(sam)).toEqual([]);

  // The admin disables Sam, after a confirmation that says what happens.
  await samRow.getByRole('button', { name: 'Change Sam Author' }).click();
  const editor = admin.getByRole('region', { name: 'Change Sam Author' });
  await editor.getByRole('button', { name: 'Disable Sam Author…' }).click();
  await editor.getByText('will be signed out everywhere at once').waitFor();
  await admin.screenshot({ path: 'test-results/people-admin.png', fullPage: true });
  expect(await axeViolations(admin)).toEqual([]);
  await editor.getByRole('button', { name: 'Yes, disable Sam Author' }).click();
  await status(admin, 'Sam Author is disabled and has been signed out everywhere.').waitFor();
  await expect.poll(() => samRow.getByRole('cell').nth(3).textContent()).toBe('⊘ Disabled');

  // Sam's open tab: the next thing they do is refused, and they are back at sign-in, where they cannot get in.
  await sam.getByRole('link', { name: 'Updates' }).click();
  await signIn(sam, SAM.email, 'sam chosen passphrase');
  await sam.getByRole('alert').filter({ hasText: 'Your account has been disabled.' }).waitFor();

  // Enabled again, with a password reset (asked first; a short one is refused next to the field).
  await editor.getByRole('button', { name: 'Enable Sam Author' }).click();
  await status(admin, 'Sam Author is enabled again and can sign in.').waitFor();
  const reset = editor.getByRole('form', { name: 'Reset the password of Sam Author' });
  await reset.getByLabel('New password for Sam Author').fill('short');
  await reset.getByRole('button', { name: 'Reset password…' }).click();
  await reset.getByText('Sam Author will be signed out everywhere and must sign in with this new password.').waitFor();
  await reset.getByRole('button', { name: 'Yes, reset the password' }).click();
  await expect
    .poll(() => descriptionOf(reset.getByLabel('New password for Sam Author')))
    .toMatch('A password must be at least 12 characters');
  await reset.getByLabel('New password for Sam Author').fill('a reset passphrase');
  await reset.getByRole('button', { name: 'Reset password…' }).click();
  await reset.getByRole('button', { name: 'Yes, reset the password' }).click();
  await status(admin, 'Sam Author’s password is reset').waitFor();
  await sam.getByLabel('Password').fill('a reset passphrase');
  await sam.getByRole('button', { name: 'Sign in' }).click();
  await sam.getByRole('heading', { name: 'Updates' }).waitFor();

  // Re-roled as an approver: the saved roles are confirmed, and Sam now has the audit log.
  await editor.getByRole('checkbox', { name: 'Approver' }).check();
  await editor.getByRole('button', { name: 'Save roles' }).click();
  await status(admin, 'Saved. Sam Author is now Author and Approver, without urgent publishing.').waitFor();
  await expect.poll(() => samRow.getByRole('cell').nth(1).textContent()).toBe('Author and Approver');
  await sam.reload();
  await sam.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).waitFor();
  await sam.close();
  await admin.close();
});

test('the last admin cannot remove their own admin role or disable themselves', async () => {
  app.allowConsoleErrors(/status of 409/);
  const page = await app.open();
  await openPeople(page);
  await page.getByRole('button', { name: 'Change Ada Admin' }).click();
  const editor = page.getByRole('region', { name: 'Change Ada Admin' });
  await expect(
    page.evaluate(() => document.activeElement?.textContent),
    'focus moves to the editor',
  ).resolves.toBe('Change Ada Admin');
  await editor.getByRole('checkbox', { name: 'Admin' }).uncheck();
  await editor.getByRole('button', { name: 'Save roles' }).click();
  const roles = editor.getByRole('group', { name: 'Roles' });
  await roles.getByText('Ada Admin is the only admin. Make someone else an admin first').waitFor();
  await expect(roles.getAttribute('aria-describedby')).resolves.toBeTruthy();

  await editor.getByRole('button', { name: 'Disable Ada Admin…' }).click();
  await editor.getByRole('button', { name: 'Yes, disable Ada Admin' }).click();
  await editor.getByRole('alert').filter({ hasText: 'Ada Admin is the only admin.' }).first().waitFor();
  await page.screenshot({ path: 'test-results/people-last-admin.png', fullPage: true });
  await editor.getByRole('button', { name: 'Close' }).click();
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), {
      message: 'focus returns to the row',
    })
    .toBe('Change Ada Admin');
  // Nothing changed: still an active admin.
  await page.reload();
  await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
  const row = page.getByRole('row', { name: /Ada Admin/ });
  await expect(row.getByRole('cell').nth(1).textContent()).resolves.toBe('Author, Approver and Admin');
  await expect(row.getByRole('cell').nth(3).textContent()).resolves.toBe('✓ Active');
  await page.close();
});

test('the approval rule is saved and shown after a reload', async () => {
  app.allowConsoleErrors(/status of 400/);
  const page = await app.open();
  await openPeople(page);
  const policy = page.getByRole('region', { name: 'Approvals' });
  await expect(policy.getByRole('radio', { name: 'One approval' }).isChecked()).resolves.toBe(true);
  await policy.getByLabel('Two approvals for updates tagged').fill('Corporate, Elec<tions>');
  await policy.getByRole('button', { name: 'Save approval rules' }).click();
  await expect
    .poll(() => descriptionOf(policy.getByLabel('Two approvals for updates tagged')))
    .toMatch('A tag uses letters, digits');

  await policy.getByLabel('Two approvals for updates tagged').fill('Corporate, Elections, corporate');
  await policy.getByRole('button', { name: 'Save approval rules' }).click();
  await status(
    page,
    'Saved. Every update needs one approval before it is published. Updates tagged “Corporate” or “Elections” need two.',
  ).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
  await expect
    .poll(() => policy.getByLabel('Two approvals for updates tagged').inputValue())
    .toBe('Corporate, Elections');

  await policy.getByRole('radio', { name: 'Two approvals' }).check();
  await policy.getByRole('button', { name: 'Save approval rules' }).click();
  await status(page, 'Saved. Every update needs two approvals before it is published.').waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
  await expect.poll(() => policy.getByRole('radio', { name: 'Two approvals' }).isChecked()).toBe(true);
  await policy.getByText('Every update needs two approvals before it is published.').waitFor();
  await page.screenshot({ path: 'test-results/people-policy.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await page.close();
});
