/**
 * The dashboard end to end: the auth gate, token sign-in, and an API key's whole life — created in
 * the UI, proven to work against the API, revoked in the UI, proven dead.
 */
import { expect, signInWithToken, test } from './fixtures';

test('an API key created in the dashboard works until it is revoked there', async ({ signedIn: page, request }) => {
  // Unique per run so a retry against the same store never matches an older row.
  const name = `e2e-key-${Date.now()}`;

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page).toHaveURL(/\/app\/keys$/);

  await page.getByLabel('Name').fill(name);
  await page.getByRole('checkbox', { name: 'sessions:read' }).check();
  await page.getByRole('button', { name: 'Create key' }).click();

  const secretBox = page.getByTestId('new-key-secret');
  await expect(secretBox).toHaveText(/^sb_\S+$/);
  const secret = (await secretBox.textContent())?.trim() ?? '';
  await expect(page.getByText('It will not be shown again')).toBeVisible();

  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('sessions:read');

  // `request` carries no dashboard cookie, so the key is the only credential presented.
  const accepted = await request.get('/api/auth/me', { headers: { 'x-api-key': secret } });
  expect(accepted.status()).toBe(200);
  const me = (await accepted.json()) as { kind: string; scopes: string[] };
  expect(me.kind).toBe('api_key');
  expect(me.scopes).toEqual(['sessions:read']);

  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(row).toHaveCount(0);

  const refused = await request.get('/api/auth/me', { headers: { 'x-api-key': secret } });
  expect(refused.status()).toBe(401);
});

test('a wrong token is refused with a clear message', async ({ page }) => {
  await page.goto('/app/sign-in');
  await signInWithToken(page, 'not-a-real-token');

  const form = page.getByRole('form', { name: 'Use a token' });
  await expect(form.getByRole('alert')).toContainText(/not valid/i);
  await expect(page).toHaveURL(/\/app\/sign-in$/);
});
