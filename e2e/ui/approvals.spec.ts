/**
 * Work in the dashboard, end to end, on the server's built-in `scripted` backend (it follows the
 * `::say` / `::tool` directive lines of the user's message, so no model or network is involved):
 *
 * - a session under the `default` profile asks before running bash; the request shows inline in
 *   the chat and in the Approvals inbox, approving it there lets the command run in the workspace,
 *   and the agent's final text arrives in the chat;
 * - a run's page shows the model output as the server streams it (the page gets model text only
 *   from the event stream) and follows the status to `succeeded`;
 * - a step denied on the run's page (with a reason) is skipped, and the run still finishes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, makeWorkspace, test } from './fixtures';

const SCRIPTED = 'scripted:default';

/** The file's text, or null while it does not exist (expect.poll does not retry a throwing callback). */
function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

async function startRun(page: Page, workspace: string, prompt: string, profile = 'default'): Promise<void> {
  await mainNav(page).getByRole('link', { name: 'Runs' }).click();
  await expect(page).toHaveURL(/\/app\/runs$/);
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Workspace path').fill(workspace);
  await form.getByLabel('Prompt').fill(prompt);
  await form.getByLabel('Model').selectOption(SCRIPTED);
  await form.getByLabel('Permission profile').selectOption(profile);
  await form.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/app\/runs\/[^/]+$/);
}

test('a bash call approved in the inbox runs in the workspace and the session finishes', async ({ signedIn: page }) => {
  test.setTimeout(60_000);
  const workspace = makeWorkspace('approve');
  const command = 'echo approved-from-ui > proof.txt';

  await mainNav(page).getByRole('link', { name: 'Sessions' }).click();
  await expect(page).toHaveURL(/\/app\/sessions$/);
  const form = page.getByRole('form', { name: 'New session' });
  await form.getByLabel('Workspace path').fill(workspace);
  await form.getByLabel('Title (optional)').fill(`e2e approval ${path.basename(workspace)}`);
  await form.getByLabel('Model').selectOption(SCRIPTED);
  await form.getByLabel('Permission profile').selectOption('default');
  await form.getByRole('button', { name: 'Create session' }).click();
  await expect(page).toHaveURL(/\/app\/sessions\/[^/]+$/);
  const sessionUrl = page.url();

  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(`::say checking\n::tool bash {"command":"${command}"}\n::say done`);
  await page.getByRole('button', { name: 'Send' }).click();

  // The agent stops at the bash call: the card shows in the chat with the exact command.
  const messages = page.getByRole('list', { name: 'Messages' });
  await expect(messages.getByText('checking', { exact: true })).toBeVisible();
  const inlineCard = messages.getByTestId('approval-card');
  await expect(inlineCard).toBeVisible();
  await expect(inlineCard).toContainText(command);
  await expect(page.getByTestId('session-status')).toHaveText('waiting for approval');
  expect(fs.existsSync(path.join(workspace, 'proof.txt'))).toBe(false);

  // Decide from the inbox, where it is listed with a link back to its session.
  await mainNav(page).getByRole('link', { name: /^Approvals/ }).click();
  await expect(page).toHaveURL(/\/app\/approvals$/);
  const card = page.getByTestId('approval-card').filter({ hasText: command });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('bash');
  await expect(card.getByRole('link')).toHaveAttribute('href', new URL(sessionUrl).pathname);
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveCount(0);

  await expect.poll(() => readIfExists(path.join(workspace, 'proof.txt')), { timeout: 15_000 }).toBe('approved-from-ui\n');

  await page.goto(sessionUrl);
  await expect(messages.getByText('done', { exact: true })).toBeVisible();
  await expect(messages.getByTestId('tool-call')).toContainText(`$ ${command}`);
  await expect(messages.getByTestId('tool-call')).toContainText('completed');
  await expect(messages.getByTestId('approval-card')).toHaveCount(0);
  await expect(page.getByTestId('session-status')).toHaveText('completed');
});

test("a run's page streams the model output and follows the run to success", async ({ signedIn: page }) => {
  const workspace = makeWorkspace('stream');
  await startRun(page, workspace, '::say hello from the stream');

  await expect(page.getByTestId('model-output')).toHaveText('hello from the stream');
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  const log = page.getByRole('list', { name: 'Run events' });
  await expect(log).toContainText('model_output_delta');
  await expect(log).toContainText('run_succeeded');
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);

  // The list shows it too.
  await page.getByRole('link', { name: '← Runs' }).click();
  const row = page.getByRole('row').filter({ hasText: 'hello from the stream' }).first();
  await expect(row).toContainText('succeeded');
});

test("a step denied on the run's page is skipped and the run still finishes", async ({ signedIn: page }) => {
  const workspace = makeWorkspace('deny');
  await startRun(page, workspace, '::tool bash {"command":"echo nope > denied.txt"}\n::say carried on');

  const step = page.getByRole('list', { name: 'Steps' }).getByRole('listitem').filter({ hasText: 'echo nope > denied.txt' });
  await expect(step).toContainText('waiting for approval');
  await expect(page.getByTestId('run-status')).toHaveText('waiting for approval');
  await step.getByLabel('Reason (optional)').fill('not in this workspace');
  await step.getByRole('button', { name: 'Deny' }).click();

  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  await expect(step).toContainText('skipped');
  await expect(page.getByRole('list', { name: 'Run events' })).toContainText('reason: not in this workspace');
  await expect(page.getByTestId('model-output').last()).toHaveText('carried on');
  expect(fs.existsSync(path.join(workspace, 'denied.txt'))).toBe(false);
});
