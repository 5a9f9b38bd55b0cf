/**
 * What the dashboard specs share: token sign-in, a page that starts signed in as the admin, the
 * accessibility check every page runs, screenshots kept as artifacts, and workspaces.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';

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

/**
 * Runs axe on the page as it is now and fails on any violation of serious or critical impact,
 * listing each (rule, impact, what it means, the offending elements) so the failure says what to fix.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = severe.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes
      .slice(0, 5)
      .map((n) => n.target.join(' '))
      .join(', ')}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ''}`,
  );
  expect(described, `axe found serious or critical violations on ${page.url()}`).toEqual([]);
}

/** Saves a screenshot of the whole page as a test artifact (`<outputDir>/<test>/<name>.png`). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** The page does not scroll sideways: nothing is wider than the viewport. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `the page at ${page.url()} is ${scrollWidth}px wide in a ${clientWidth}px viewport`).toBeLessThanOrEqual(clientWidth);
}
