/**
 * The run page and the session page update live through the canonical event stream: the tRPC
 * subscriptions `events.run` / `events.session` (Server-Sent Events under /api/trpc/), never a
 * dialect's own SSE route. Each test marks the page's window and checks the mark at the end, so
 * everything seen arrived without a reload.
 */
import type { Page, Request } from '@playwright/test';
import { expect, makeWorkspace, test } from './fixtures';

const SCRIPTED = 'scripted:default';

/** Every request the page makes from now on. */
function recordRequests(page: Page): URL[] {
  const seen: URL[] = [];
  page.on('request', (request: Request) => seen.push(new URL(request.url())));
  return seen;
}

const dialectStreams = (requests: URL[]) => requests.filter((u) => /^\/(?:agentd\/)?v1\/(?:runs|sessions)\/[^/]+\/events$/.test(u.pathname));
const canonicalStreams = (requests: URL[], procedure: string) => requests.filter((u) => u.pathname === `/api/trpc/events.${procedure}`);

async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
}

async function expectSameDocument(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

test("a run's page follows the run live over the canonical stream", async ({ signedIn: page }) => {
  const requests = recordRequests(page);
  const workspace = makeWorkspace('live-run');
  const command = 'echo live > live.txt';

  await mainNav(page).getByRole('link', { name: 'Runs' }).click();
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Workspace path').fill(workspace);
  // The bash call waits for a human (default profile), so the page is seen mid-run for certain.
  await form.getByLabel('Prompt').fill(`::say hello\n::tool bash {"command":"${command}"}\n::say world`);
  await form.getByLabel('Model').selectOption(SCRIPTED);
  await form.getByLabel('Permission profile').selectOption('default');
  await form.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/app\/runs\/[^/]+$/);
  await markWindow(page);

  // The first words and the wait arrive while the run is still going…
  const output = page.getByTestId('model-output');
  await expect(output.first()).toHaveText('hello');
  await expect(page.getByTestId('run-status')).toHaveText('waiting for approval');
  await expect(page.locator('.live-status')).toHaveText('Live');

  // …and, once the step is approved on this page, the rest and the final status.
  const step = page.getByRole('list', { name: 'Steps' }).getByRole('listitem').filter({ hasText: command });
  await step.getByRole('button', { name: 'Approve' }).click();
  await expect(output.last()).toHaveText('world');
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  await expect(page.getByRole('list', { name: 'Run events' })).toContainText('run_succeeded');
  await expect(page.locator('.live-status')).toHaveText('Stream ended');
  await expectSameDocument(page);

  const runId = new URL(page.url()).pathname.split('/').pop()!;
  const subscriptions = canonicalStreams(requests, 'run');
  expect(subscriptions.length).toBeGreaterThan(0);
  expect(JSON.parse(subscriptions[0]!.searchParams.get('input') ?? '{}')).toMatchObject({ id: runId });
  expect(dialectStreams(requests)).toEqual([]);
});

test("a session's page shows each turn live over the canonical stream", async ({ signedIn: page }) => {
  const requests = recordRequests(page);
  const workspace = makeWorkspace('live-session');

  await mainNav(page).getByRole('link', { name: 'Sessions' }).click();
  const form = page.getByRole('form', { name: 'New session' });
  await form.getByLabel('Workspace path').fill(workspace);
  await form.getByLabel('Model').selectOption(SCRIPTED);
  await form.getByRole('button', { name: 'Create session' }).click();
  await expect(page).toHaveURL(/\/app\/sessions\/[^/]+$/);
  await markWindow(page);
  await expect(page.locator('.live-status')).toHaveText('Live');

  const messages = page.getByRole('list', { name: 'Messages' });
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });
  await composer.fill('::say first answer');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(messages.getByText('first answer', { exact: true })).toBeVisible();
  await expect(page.getByTestId('session-status')).toHaveText('completed');

  await composer.fill('::say second answer');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(messages.getByText('second answer', { exact: true })).toBeVisible();
  await expect(page.locator('.live-status')).toHaveText('Live');
  await expectSameDocument(page);

  const sessionId = new URL(page.url()).pathname.split('/').pop()!;
  const subscriptions = canonicalStreams(requests, 'session');
  expect(subscriptions.length).toBeGreaterThan(0);
  expect(JSON.parse(subscriptions[0]!.searchParams.get('input') ?? '{}')).toMatchObject({ id: sessionId });
  expect(dialectStreams(requests)).toEqual([]);
});
