/**
 * The Usage page: after a run that used tokens, the charts show the tokens (drawn bars and a text
 * summary with the numbers), the quota bars show today's use, the admin sees each owner's share, and
 * a new run's usage arrives live (through `events.global`, without a reload). Checked with axe, at
 * 360 px without sideways scrolling, and in the dark theme.
 *
 * A quota bar needs a daily limit: when the server was started with DAILY_TOKEN_QUOTA naming the
 * scripted backend (e.g. `DAILY_TOKEN_QUOTA=scripted:1000000`), its bar is checked too.
 */
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { adminToken, expect, expectAccessible, makeWorkspace, test } from './fixtures';

const SCRIPTED = 'scripted:default';
const scriptedQuota = /(?:^|,)\s*scripted:(\d+)/.exec(process.env.DAILY_TOKEN_QUOTA ?? '')?.[1];

/** A run of the scripted backend that reports the given token counts, finished. */
async function runWithUsage(request: APIRequestContext, input: number, output: number): Promise<void> {
  const headers = { authorization: `Bearer ${adminToken}` };
  const res = await request.post('/v1/runs', {
    headers,
    data: { workspace_path: makeWorkspace('usage'), prompt: `::say counted\n::usage ${input} ${output}`, model: SCRIPTED },
  });
  expect(res.ok()).toBe(true);
  const { run_id } = (await res.json()) as { run_id: string };
  await expect
    .poll(async () => ((await (await request.get(`/v1/runs/${run_id}`, { headers })).json()) as { status: string }).status)
    .toBe('succeeded');
}

const section = (page: Page, heading: string): Locator => page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: heading }) });

/** The total tokens the page shows, as a number. */
async function shownTokens(page: Page): Promise<number> {
  const text = (await page.getByTestId('usage-totals').locator('dd').first().textContent()) ?? '';
  return Number(text.replace(/[^\d]/g, '') || '0');
}

async function openUsage(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
  await expect(page).toHaveURL(/\/app\/usage$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Usage' })).toBeVisible();
  await expect(page.getByRole('main').locator('.page-head .live-status')).toHaveText('Live');
}

test('the usage page charts tokens by day, backend and model, with quota bars and owners, and updates live', async ({ signedIn: page }, testInfo) => {
  await runWithUsage(page.request, 1200, 340);
  await openUsage(page);
  await expect.poll(() => shownTokens(page)).toBeGreaterThanOrEqual(1540);

  // Tokens per day: bars drawn, and the summary says the same in words.
  const tokens = section(page, 'Tokens per day');
  await expect(tokens.locator('.usage-chart svg path.recharts-rectangle').first()).toBeVisible();
  await expect(tokens.getByRole('img', { name: /Tokens per day .* stacked by backend/ })).toBeVisible();
  await expect(tokens.getByTestId('chart-summary')).toContainText(/[1-9][\d,]* tokens/);
  await expect(tokens.getByRole('list', { name: 'Legend' })).toContainText('scripted');
  // The table alternative: today's row names the scripted backend's tokens.
  await tokens.getByText('Show the numbers as a table').click();
  const table = tokens.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'scripted' })).toBeVisible();
  await expect(table.getByRole('row').last()).toContainText(/[1-9]/);
  await expect(section(page, 'Cost per day').locator('.usage-chart svg')).toBeVisible();

  // By model: the scripted model with its input and output.
  const models = section(page, 'By model');
  await expect(models.locator('.usage-chart svg path.recharts-rectangle').first()).toBeVisible();
  const modelRow = models.getByRole('table', { name: 'Usage per model' }).getByRole('row').filter({ hasText: SCRIPTED });
  await expect(modelRow).toBeVisible();

  // Today's quotas: the scripted backend, in words (and as a bar when it has a limit).
  const quota = section(page, "Today's quotas").getByTestId('quota-item').filter({ hasText: 'scripted' });
  await expect(quota).toContainText(/[1-9][\d,]* (?:of [\d,]+ )?tokens/);
  if (scriptedQuota) {
    await expect(quota).toContainText(`of ${Number(scriptedQuota).toLocaleString('en')} tokens`);
    await expect(quota.locator('.quota-fill')).toBeVisible();
  } else {
    await expect(quota).toContainText('no daily limit');
  }

  // The admin sees each owner's share: the admin token's own runs.
  await expect(section(page, 'By owner').getByRole('table', { name: 'Usage per owner' })).toContainText('Admin token');

  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('usage-desktop.png'), fullPage: true });

  // A new run's usage arrives without a reload.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  const before = await shownTokens(page);
  await runWithUsage(page.request, 5000, 700);
  await expect.poll(() => shownTokens(page)).toBeGreaterThanOrEqual(before + 5700);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});

test('the usage page fits a 360 px screen and reads well in the dark theme', async ({ signedIn: page }, testInfo) => {
  await runWithUsage(page.request, 800, 200);
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto('/app/usage');
  await expect(page.getByRole('heading', { level: 1, name: 'Usage' })).toBeVisible();
  await expect(section(page, 'Tokens per day').locator('.usage-chart svg path.recharts-rectangle').first()).toBeVisible();
  await expect(page.getByTestId('quota-item').first()).toBeVisible();
  // Nothing on the page sticks out sideways (wide tables scroll inside their own box).
  const overflow = await page.locator('.usage-page').evaluate((el) => {
    const sticking = [...el.querySelectorAll('*')].filter((child) => !child.closest('.table-wrap') && child.getBoundingClientRect().right > window.innerWidth + 0.5);
    return { scroll: el.scrollWidth - el.clientWidth, right: el.getBoundingClientRect().right - window.innerWidth, sticking: sticking.map((c) => c.getAttribute('class') ?? c.tagName).slice(0, 5) };
  });
  expect(overflow.sticking).toEqual([]);
  expect(overflow.scroll).toBeLessThanOrEqual(0);
  expect(overflow.right).toBeLessThanOrEqual(0);
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('usage-mobile.png'), fullPage: true });

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(section(page, 'By model').locator('.usage-chart svg path.recharts-rectangle').first()).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('usage-dark.png'), fullPage: true });
});
