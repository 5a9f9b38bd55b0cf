/** What the dashboard specs share: token sign-in and a page that starts signed in as the admin. */
import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export const adminToken = process.env.E2E_ADMIN_TOKEN ?? '';

export async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.getByLabel('Admin token or API key').fill(token);
  await page.getByRole('button', { name: 'Sign in with token' }).click();
}

export const test = base.extend<{ signedIn: Page }>({
  /** A page that started signed out, was sent to sign-in, and signed in with the admin token. */
  signedIn: async ({ page }, use) => {
    if (!adminToken) throw new Error('E2E_ADMIN_TOKEN must be set to the admin token the server was started with');
    await page.goto('/');
    await expect(page).toHaveURL(/\/app\/sign-in$/);
    await signInWithToken(page, adminToken);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await expect(page).toHaveURL(/\/$/);
    await use(page);
  },
});

export { expect };

/**
 * A fresh, empty workspace under the server's default workspace root (`<DATA_DIR>/workspaces`).
 * playwright.config.ts exports the data dir it starts the server with as E2E_DATA_DIR.
 */
export function makeWorkspace(label: string): string {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error('E2E_DATA_DIR must be set to the data dir the server was started with');
  const dir = path.join(dataDir, 'workspaces', `e2e-${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
