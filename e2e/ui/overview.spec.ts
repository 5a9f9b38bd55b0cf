/**
 * The overview, end to end, on the built-in `scripted` backend:
 *
 * - a run created by another client (tRPC over HTTP with the admin token) and parked on a bash
 *   approval shows up on an overview that is already open (the global stream), is approved inline,
 *   runs its command, and leaves the list of active runs;
 * - the emergency stop asks for confirmation, then a banner shows on every page until Resume;
 * - each state passes an axe check, and the page does not scroll sideways at 360 px.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { adminToken, expect, expectAccessible, makeWorkspace, test } from './fixtures';

/**
 * A tRPC mutation as the dashboard's client sends it (batched, which is also how a procedure without
 * input is called: an empty batch entry), with the admin token.
 */
async function trpcMutation<T>(request: APIRequestContext, procedure: string, input?: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${procedure}?batch=1`, {
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    data: input === undefined ? {} : { 0: input },
  });
  expect(res.ok(), `${procedure}: ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as Array<{ result: { data: T } }>)[0]!.result.data;
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test.afterEach(async ({ request }) => {
  // Whatever happened above, leave the server taking work.
  await trpcMutation(request, 'emergency.resume');
});

test('a run parked on an approval appears on the open overview and is approved there', async ({ signedIn: page }, testInfo) => {
  test.setTimeout(60_000);
  const workspace = makeWorkspace('overview');
  const command = 'echo approved-on-overview > proof.txt';
  const approvals = page.getByTestId('overview-approvals');
  await expect(approvals).toBeVisible();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();

  // Another client starts the run; the overview, already open, hears of it on the global stream.
  const run = await trpcMutation<{ id: string }>(page.request, 'runs.create', {
    workspacePath: workspace,
    prompt: `::tool bash {"command":"${command}"}\n::say finished`,
    model: 'scripted:default',
    profile: 'default',
  });
  const card = approvals.getByTestId('approval-card').filter({ hasText: command });
  await expect(card).toHaveCount(1);
  await expect(card.getByRole('link', { name: run.id })).toHaveAttribute('href', `/app/runs/${run.id}`);
  const runItem = page.getByRole('list', { name: 'Active runs' }).getByRole('listitem').filter({ has: page.locator(`a[href="/app/runs/${run.id}"]`) });
  await expect(runItem).toContainText('waiting for approval');
  await expect(page.getByTestId('tile-approvals')).not.toHaveText('0');
  await expect(page.getByTestId('overview-backends')).toContainText('scripted');
  await page.screenshot({ path: testInfo.outputPath('overview-pending-approval.png'), fullPage: true });
  await expectAccessible(page);

  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveCount(0);
  await expect.poll(() => readIfExists(path.join(workspace, 'proof.txt')), { timeout: 15_000 }).toBe('approved-on-overview\n');
  // The run finishes and leaves the active list without a reload.
  await expect(runItem).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('overview-after-approval.png'), fullPage: true });

  await page.setViewportSize({ width: 360, height: 800 });
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('overview-360.png'), fullPage: true });
});

test('the emergency stop asks first, shows a banner on every page, and Resume takes it away', async ({ signedIn: page }, testInfo) => {
  test.setTimeout(60_000);
  const control = page.getByTestId('overview-emergency');
  await control.getByRole('button', { name: 'Stop everything…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Stop everything?' });
  await expect(dialog).toBeVisible();
  // Backing out changes nothing.
  await dialog.getByRole('button', { name: 'Keep running' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('emergency-banner')).toHaveCount(0);

  await control.getByRole('button', { name: 'Stop everything…' }).click();
  await dialog.getByLabel('Reason (optional, shown in the banner)').fill('e2e drill');
  await page.screenshot({ path: testInfo.outputPath('emergency-confirm.png') });
  await dialog.getByRole('button', { name: 'Stop everything' }).click();
  await expect(dialog).toBeHidden();

  const banner = page.getByRole('region', { name: 'Server stopped' });
  await expect(banner).toContainText('Emergency stop is on');
  await expect(banner).toContainText('e2e drill');
  await expect(control).toContainText('The server is stopped');
  await page.screenshot({ path: testInfo.outputPath('emergency-stopped-overview.png'), fullPage: true });
  await expectAccessible(page);

  // Another page shows it too.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
  await expect(page).toHaveURL(/\/app\/runs$/);
  await expect(banner).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('emergency-banner-runs.png'), fullPage: true });

  await banner.getByRole('button', { name: 'Resume' }).click();
  await expect(banner).toHaveCount(0);

  // Back on the overview, the stop is offered again.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
  await expect(control.getByRole('button', { name: 'Stop everything…' })).toBeVisible();
});

test('a stop made by another client shows its banner on an open page within moments, and so does the resume', async ({ signedIn: page }) => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
  await expect(page).toHaveURL(/\/app\/sessions$/);
  const banner = page.getByRole('region', { name: 'Server stopped' });
  await expect(banner).toHaveCount(0);
  await trpcMutation(page.request, 'emergency.stop', { reason: 'stopped elsewhere' });
  await expect(banner).toContainText('stopped elsewhere');
  await trpcMutation(page.request, 'emergency.resume');
  await expect(banner).toHaveCount(0);
});
