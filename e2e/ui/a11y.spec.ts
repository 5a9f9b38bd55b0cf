/**
 * Quality across the dashboard: every page (overview, runs, a run, sessions, a session, approvals,
 * usage, keys, access, sign-in, not found) at 1400 px and 390 px, in the light and the dark theme, is axe clean
 * (no serious or critical violations) and, at 390 px, never scrolls sideways; no icon request fails;
 * the keyboard reaches the nav and the content (skip link, the Menu disclosure on narrow screens);
 * the approvals badge follows the global event stream; the theme choice is remembered.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { adminToken, expect, expectAccessible, expectNoHorizontalOverflow, makeWorkspace, screenshot, test } from './fixtures';

const SCRIPTED = 'scripted:default';
const SIZES = [
  { label: 'wide', width: 1400, height: 900 },
  { label: 'narrow', width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Calls a tRPC mutation as the admin (bearer token), as any API client could. */
async function mutate<T>(request: APIRequestContext, procedure: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${procedure}`, { data: input, headers: { authorization: `Bearer ${adminToken}` } });
  expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** A run that stops at a bash call waiting for approval, so it has output, a step and a pending approval. */
async function startWaitingRun(request: APIRequestContext, label: string): Promise<string> {
  const run = await mutate<{ id: string }>(request, 'runs.create', {
    workspacePath: makeWorkspace(label),
    prompt: '::say checking the workspace\n::tool bash {"command":"ls -la"}\n::say done',
    model: SCRIPTED,
    profile: 'default',
  });
  return run.id;
}

async function startSession(request: APIRequestContext, label: string): Promise<string> {
  const session = await mutate<{ id: string }>(request, 'sessions.create', {
    workspacePath: makeWorkspace(label),
    title: `Accessibility check ${label}`,
    model: SCRIPTED,
    profile: 'default',
  });
  await mutate(request, 'sessions.send', { id: session.id, text: '::say Hello from a session with a rather long answer that has to wrap on a narrow screen.' });
  return session.id;
}

/** Waits until the page's own content has loaded (its heading shows and nothing says "Loading…"). */
async function waitForPage(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.getByText('Checking your session…')).toHaveCount(0);
  await expect(page.getByText(/^Loading/)).toHaveCount(0);
}

/** Every failed request for an icon (favicon.ico, icon.svg, apple-touch-icon…) from now on. */
function watchIcons(page: Page): string[] {
  const failures: string[] = [];
  page.on('response', (response) => {
    if (/icon/i.test(new URL(response.url()).pathname) && response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    if (/icon/i.test(new URL(request.url()).pathname)) failures.push(`failed ${request.url()}`);
  });
  return failures;
}

/** The body's background is dark (relative luminance well below the middle). */
async function expectDarkBackground(page: Page): Promise<void> {
  const rgb = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
  expect(r! + g! + b!, `body background ${rgb}`).toBeLessThan(150);
}

for (const size of SIZES) {
  test(`every dashboard page is accessible at ${size.width} px in both themes`, async ({ signedIn: page, request }, testInfo) => {
    test.setTimeout(240_000);
    const iconFailures = watchIcons(page);
    const runId = await startWaitingRun(request, `a11y-run-${size.label}`);
    const sessionId = await startSession(request, `a11y-session-${size.label}`);
    const pages: [string, string][] = [
      ['overview', '/'],
      ['runs', '/app/runs'],
      ['run', `/app/runs/${runId}`],
      ['sessions', '/app/sessions'],
      ['session', `/app/sessions/${sessionId}`],
      ['approvals', '/app/approvals'],
      ['usage', '/app/usage'],
      ['keys', '/app/keys'],
      ['access', '/app/access'],
      ['not-found', '/app/no-such-page'],
    ];
    await page.setViewportSize({ width: size.width, height: size.height });

    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, path] of pages) {
        await test.step(`${name} (${scheme})`, async () => {
          await page.goto(path);
          await waitForPage(page);
          if (name === 'run') await expect(page.getByTestId('run-status')).toHaveText('waiting for approval');
          if (scheme === 'dark') await expectDarkBackground(page);
          await expectAccessible(page);
          if (size.width < 500) await expectNoHorizontalOverflow(page);
          await screenshot(page, testInfo, `${name}-${size.width}-${scheme}`);
        });
      }
    }
    expect(iconFailures).toEqual([]);
    // Leave nothing waiting for the specs that come after.
    await mutate(request, 'runs.cancel', { id: runId });
  });
}

test('the sign-in page is accessible at both widths in both themes, and the favicon is served', async ({ page, request }, testInfo) => {
  const iconFailures = watchIcons(page);
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('/app/sign-in');
      await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
      await expect(page.getByText(/^Loading/)).toHaveCount(0);
      if (scheme === 'dark') await expectDarkBackground(page);
      await expectAccessible(page);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, testInfo, `sign-in-${size.width}-${scheme}`);
    }
  }
  // The icon the pages link to, and the one browsers ask for by default, are served.
  const linked = await page.locator('link[rel~="icon"]').first().getAttribute('href');
  for (const href of [linked ?? '/favicon.ico', '/favicon.ico']) {
    const icon = await request.get(href);
    expect(icon.status(), href).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/^image\//);
  }
  expect(iconFailures).toEqual([]);
});

test('the keyboard reaches the content and the nav on a wide screen', async ({ signedIn: page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/app/runs');
  await waitForPage(page);

  // The first Tab shows the skip link; following it puts the next Tab inside the page's content.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('main') !== null && document.activeElement !== document.querySelector('main'))).toBe(true);

  // From the top, Tab reaches the nav's links, and the focused link shows a focus ring.
  await page.goto('/app/runs');
  await waitForPage(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const first = nav.getByRole('link', { name: 'Overview' });
  await expect(first).toBeFocused();
  expect(await first.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
  await page.keyboard.press('Tab');
  await expect(nav.getByRole('link', { name: 'Runs' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(nav.getByRole('link', { name: 'Sessions' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/app\/sessions$/);
});

test('on a narrow screen the nav folds into one row behind a Menu button that the keyboard can open and close', async ({ signedIn: page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/app/runs');
  await waitForPage(page);

  const header = page.getByRole('banner');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(nav).toBeHidden();
  const closedHeight = (await header.boundingBox())!.height;
  expect(closedHeight, 'the closed top bar is a single row').toBeLessThan(64);
  await screenshot(page, testInfo, 'top-bar-closed-390');

  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab');
  await expect(menu).toBeFocused();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await screenshot(page, testInfo, 'top-bar-open-390');
  await page.keyboard.press('Tab');
  await expect(nav.getByRole('link', { name: 'Overview' })).toBeFocused();

  // Escape closes it and gives focus back to the button.
  await page.keyboard.press('Escape');
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  // Following a link closes it too.
  await menu.click();
  await nav.getByRole('link', { name: 'Sessions' }).click();
  await expect(page).toHaveURL(/\/app\/sessions$/);
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
});

test('the approvals badge counts up live from the global event stream', async ({ signedIn: page, request }) => {
  const globalStreams: URL[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/trpc/events.global') globalStreams.push(url);
  });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/app/keys');
  await waitForPage(page);
  const badge = page.getByRole('navigation', { name: 'Main' }).getByTestId('pending-approvals-count');
  const count = async () => ((await badge.count()) === 0 ? 0 : Number.parseInt((await badge.textContent()) ?? '0', 10));
  const before = await count();
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

  // A run started elsewhere asks for approval: the badge shows it without a reload. (Other tests may
  // add approvals at the same time, so at least one more.)
  await startWaitingRun(request, 'a11y-badge');
  await expect.poll(count).toBeGreaterThan(before);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  expect(globalStreams.length).toBeGreaterThan(0);
});

test('the dark-mode toggle is remembered across page loads without a flash of the light theme', async ({ signedIn: page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1400, height: 900 });
  const toggle = page.getByRole('button', { name: 'Dark mode' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expectDarkBackground(page);

  // The theme is on <html> in the first paint, before the app has loaded.
  await page.goto('/app/keys', { waitUntil: 'commit' });
  await page.waitForSelector('body');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await waitForPage(page);
  await expectDarkBackground(page);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Dark mode' }).click();
  await expect(page.getByRole('button', { name: 'Dark mode' })).toHaveAttribute('aria-pressed', 'false');
  await page.reload();
  await waitForPage(page);
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
});
