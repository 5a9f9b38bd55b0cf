/**
 * The Access page: a key created with an expiry shows that expiry in the list, the audit trail
 * records its creation (and filters to it), and the admin's own dashboard session is listed as the
 * current one.
 */
import { expect, expectAccessible, test } from './fixtures';

test('a key created with an expiry shows it, and the audit trail shows the creation', async ({ signedIn: page }, testInfo) => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
  await expect(page).toHaveURL(/\/app\/access$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Access' })).toBeVisible();

  // The admin's own dashboard session (signed in with the admin token) is the current one.
  const sessions = page.getByRole('table', { name: 'Sessions' });
  await expect(sessions.getByTestId('sign-in-session').filter({ hasText: 'admin token' }).filter({ hasText: 'This session' })).toHaveCount(1);
  await expectAccessible(page);

  const name = `e2e expiring ${Date.now()}`;
  const form = page.getByRole('form', { name: 'Create a key' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Expires after').selectOption('7');
  await form.getByRole('checkbox', { name: 'runs:read' }).check();
  await form.getByRole('button', { name: 'Create key' }).click();

  const row = page.getByRole('region', { name: 'Existing keys' }).getByRole('row').filter({ hasText: name });
  await expect(row).toHaveCount(1);
  const expected = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);
  const shown = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso)), expected.toISOString());
  // Cells after the name: key, scopes, created, expires, last used.
  await expect(row.getByRole('cell').nth(3)).toContainText(shown);
  await page.screenshot({ path: testInfo.outputPath('access-key-created.png'), fullPage: true });

  const trail = page.getByTestId('audit-trail');
  const created = trail.getByRole('row').filter({ hasText: 'Key created' }).filter({ hasText: name });
  await expect(created).toHaveCount(1);

  // Filtering by action keeps only key creations.
  await page.getByLabel('Action', { exact: true }).selectOption('key.created');
  await expect(created).toHaveCount(1);
  await expect(trail.getByRole('row').filter({ hasText: 'Signed in' })).toHaveCount(0);
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('access-audit.png'), fullPage: true });

  await page.setViewportSize({ width: 360, height: 800 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('access-360.png'), fullPage: true });
});
