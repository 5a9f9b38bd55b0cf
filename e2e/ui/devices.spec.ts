/**
 * The Devices page: a pairing started in the dashboard shows its link as a QR code with the pair
 * code and expiry; a device (an ed25519 key made here, as the EchoHelix app makes one) completes it
 * over the API and appears in the list, is renamed, then revoked, and its token stops working.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { expect, expectAccessible, expectNoHorizontalOverflow, screenshot, test } from './fixtures';

function newWallet() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: (publicKey.export({ format: 'jwk' }) as { x: string }).x,
    sign: (text: string) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64url'),
  };
}

test('a device paired from the QR code appears, is renamed and revoked', async ({ signedIn: page, request }, testInfo) => {
  const name = `e2e-phone-${Date.now()}`;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
  await expect(page).toHaveURL(/\/app\/devices$/);

  await page.getByLabel('Code valid for').selectOption('180');
  await page.getByRole('button', { name: 'Start pairing' }).click();
  await expect(page.getByTestId('pairing-qr').locator('svg')).toBeVisible();
  await expect(page.getByTestId('pair-code')).not.toBeEmpty();
  await expect(page.getByTestId('pair-expiry')).toContainText(/in \d/);
  await expectAccessible(page);
  await screenshot(page, testInfo, 'devices-pairing');

  // What the app reads from the QR code: the server, the code and the challenge to sign.
  const uri = new URL((await page.getByTestId('elix-uri').textContent()) ?? '');
  expect(uri.protocol).toBe('elix:');
  const code = uri.searchParams.get('code')!;
  expect(code).toBe((await page.getByTestId('pair-code').textContent())?.trim());
  const wallet = newWallet();
  const paired = await request.post('/api/v3/pair/complete', {
    data: { pair_code: code, public_key: wallet.publicKey, signature: wallet.sign(uri.searchParams.get('challenge')!), device_name: name },
  });
  expect(paired.status()).toBe(200);
  const tokens = (await paired.json()) as { access_token: string; address: string };

  // The open pairing keeps the list current: the device shows up without a reload.
  const row = page.getByTestId('device-row').filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Active');
  await page.getByRole('button', { name: 'Done' }).click();

  const renamed = `${name}-renamed`;
  await row.getByRole('button', { name: `Rename ${name}` }).click();
  await page.getByLabel('New name').fill(renamed);
  await page.getByRole('button', { name: 'Save' }).click();
  const renamedRow = page.getByTestId('device-row').filter({ hasText: renamed });
  await expect(renamedRow).toHaveCount(1);

  const auth = { authorization: `Bearer ${tokens.access_token}` };
  expect((await request.get('/api/v3/devices', { headers: auth })).status()).toBe(200);
  await renamedRow.getByRole('button', { name: `Revoke ${renamed}` }).click();
  const dialog = page.getByRole('dialog', { name: `Revoke “${renamed}”?` });
  await dialog.getByRole('button', { name: 'Revoke device' }).click();
  await expect(renamedRow).toContainText('Revoked');
  expect((await request.get('/api/v3/devices', { headers: auth })).status()).toBe(401);
  await expectAccessible(page);
});

test('at 390 px the Devices page and an open pairing fit the screen', async ({ signedIn: page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/app/devices');
  await page.getByRole('button', { name: 'Start pairing' }).click();
  await expect(page.getByTestId('pairing-qr').locator('svg')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await screenshot(page, testInfo, 'devices-mobile');
});
