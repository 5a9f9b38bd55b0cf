/**
 * The runs list: search and filters that live in the URL (so a view can be shared and reloaded),
 * runs created elsewhere (here through the agentd REST dialect) appearing and updating while the
 * page is open — through the canonical `events.global` stream, no reload — and a 390 px wide
 * screen that shows the list without the page scrolling sideways.
 */
import type { Page } from '@playwright/test';
import { adminToken, expect, expectAccessible, makeWorkspace, test } from './fixtures';

const SCRIPTED = 'scripted:default';

/** A run submitted through the agentd dialect with the admin token, as another client would. */
async function submitThroughRest(page: Page, workspace: string, prompt: string): Promise<string> {
  const res = await page.request.post('/agentd/v1/runs', {
    headers: { authorization: `Bearer ${adminToken}` },
    data: { workspace_path: workspace, prompt, model: SCRIPTED },
  });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { run_id: string }).run_id;
}

const tag = () => Math.random().toString(36).slice(2, 8);
const runsTable = (page: Page) => page.getByRole('region', { name: 'Runs table' });
const rowOf = (page: Page, text: string) => runsTable(page).getByRole('row').filter({ hasText: text });
const filters = (page: Page) => page.getByRole('search', { name: 'Filter runs' });

async function openRuns(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
}

test('search and the status filter narrow the list, and survive a reload', async ({ signedIn: page }, testInfo) => {
  const workspace = makeWorkspace('runs-list-filter');
  const t = tag();
  await submitThroughRest(page, workspace, `::say finished ${t}`);
  // The bash call waits for a human under the default profile.
  await submitThroughRest(page, workspace, `::say parked ${t}\n::tool bash {"command":"echo parked"}`);

  await openRuns(page);
  await filters(page).getByLabel('Search prompts').fill(t);
  await expect(rowOf(page, `finished ${t}`)).toBeVisible();
  await expect(rowOf(page, `parked ${t}`)).toBeVisible();
  await expect(rowOf(page, `finished ${t}`)).toContainText('succeeded');
  await expect(rowOf(page, `parked ${t}`)).toContainText('waiting for approval');
  await expect(page).toHaveURL(new RegExp(`[?&]q=${t}`));

  await filters(page).getByLabel('Status').selectOption('waiting_approval');
  await expect(rowOf(page, `finished ${t}`)).toHaveCount(0);
  await expect(rowOf(page, `parked ${t}`)).toBeVisible();
  await expect(page).toHaveURL(/[?&]status=waiting_approval/);
  // The row says where the run came from and in which workspace.
  await expect(rowOf(page, `parked ${t}`)).toContainText('agentd');
  await expect(rowOf(page, `parked ${t}`)).toContainText(workspace.split('/').pop()!);

  await page.reload();
  await expect(filters(page).getByLabel('Status')).toHaveValue('waiting_approval');
  await expect(filters(page).getByLabel('Search prompts')).toHaveValue(t);
  await expect(rowOf(page, `parked ${t}`)).toBeVisible();
  await expect(rowOf(page, `finished ${t}`)).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('runs-list-filtered.png'), fullPage: true });

  await filters(page).getByLabel('Status').selectOption('failed');
  await expect(page.getByText('No runs match these filters.')).toBeVisible();
  await filters(page).getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/app\/runs$/);
  await expect(rowOf(page, `finished ${t}`)).toBeVisible();
  await expectAccessible(page);
});

test('a run created through REST appears in the open list and updates, without a reload', async ({ signedIn: page }, testInfo) => {
  const workspace = makeWorkspace('runs-list-live');
  const t = tag();
  await openRuns(page);
  await filters(page).getByLabel('Search prompts').fill(t);
  await expect(page.getByText('No runs match these filters.')).toBeVisible();
  await expect(page.locator('.live-status')).toHaveText('Live');
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

  await submitThroughRest(page, workspace, `::say from elsewhere ${t}\n::tool bash {"command":"echo wait"}`);
  const row = rowOf(page, `from elsewhere ${t}`);
  await expect(row).toBeVisible({ timeout: 5_000 });
  await expect(row).toContainText('waiting for approval', { timeout: 5_000 });
  await page.screenshot({ path: testInfo.outputPath('runs-list-live.png'), fullPage: true });

  // Canceled elsewhere too: the row follows.
  const id = (await row.getByRole('link').first().getAttribute('href'))!.split('/').pop()!;
  const cancel = await page.request.post(`/agentd/v1/runs/${id}/cancel`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(cancel.ok()).toBe(true);
  await expect(row).toContainText('canceled', { timeout: 5_000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});

test('at 390 px the runs list fits the screen without the page scrolling sideways', async ({ signedIn: page }, testInfo) => {
  const workspace = makeWorkspace('runs-list-narrow');
  const t = tag();
  await submitThroughRest(page, workspace, `::say a rather long prompt that would not fit a phone screen in one line ${t}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/app/runs?q=${t}`);
  await expect(rowOf(page, t)).toBeVisible();
  const overflow = await page.evaluate(() => {
    const root = document.scrollingElement!;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
  await page.screenshot({ path: testInfo.outputPath('runs-list-390.png'), fullPage: true });
  await expectAccessible(page);
});

test('the sessions list follows sessions created through REST, narrowed to a workspace from the URL', async ({ signedIn: page }, testInfo) => {
  const workspace = makeWorkspace('sessions-list-live');
  await page.goto(`/app/sessions?workspace=${encodeURIComponent(workspace)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  const sessionFilters = page.getByRole('search', { name: 'Filter sessions' });
  // The workspace filter is shown set, with the other narrowing filters.
  await expect(sessionFilters.getByLabel('Workspace')).toHaveValue(workspace);
  await expect(page.getByText('No sessions match these filters.')).toBeVisible();
  await expect(page.locator('.live-status')).toHaveText('Live');

  const res = await page.request.post('/agentd/v1/sessions', {
    headers: { authorization: `Bearer ${adminToken}` },
    data: { workspace_path: workspace, model: SCRIPTED },
  });
  expect(res.status()).toBe(200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  const row = page.getByRole('region', { name: 'Sessions table' }).getByRole('row').filter({ hasText: id });
  await expect(row).toBeVisible({ timeout: 5_000 });
  await expect(row).toContainText('agentd');
  await page.screenshot({ path: testInfo.outputPath('sessions-list-live.png'), fullPage: true });
  await expectAccessible(page);
});
