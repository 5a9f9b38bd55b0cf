/**
 * The run page as one timeline, on the built-in `scripted` backend under the `trusted` profile (no
 * approval needed): a bash call shows its command, exit code and output in its step, a file write
 * shows as a diff, the model text sits in its own step; the run exports as a zip and runs again;
 * canceling asks first, and the step the cancel stopped says "interrupted". The page fits a 390 px
 * screen without sideways scrolling and passes an accessibility check.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, makeWorkspace, test } from './fixtures';

const SCRIPTED = 'scripted:default';

async function startRun(page: Page, workspace: string, prompt: string): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs' }).click();
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Workspace path').fill(workspace);
  await form.getByLabel('Prompt').fill(prompt);
  await form.getByLabel('Model').selectOption(SCRIPTED);
  await form.getByLabel('Permission profile').selectOption('trusted');
  await form.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/app\/runs\/[^/]+$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

const runIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop()!;

test('a bash call shows its command, exit code and output in the timeline; the run exports and runs again', async ({ signedIn: page }, testInfo) => {
  const workspace = makeWorkspace('timeline');
  const prompt = [
    '::say listing the workspace',
    '::tool bash {"command":"echo timeline-ok; echo second line"}',
    '::tool write_file {"path":"notes.txt","content":"first\\nsecond\\n"}',
    '::say all done',
  ].join('\n');
  const runId = await startRun(page, workspace, prompt);
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');

  const steps = page.getByRole('list', { name: 'Steps' });
  const bash = steps.getByRole('listitem').filter({ hasText: 'echo timeline-ok' });
  await expect(bash).toContainText('$ echo timeline-ok; echo second line');
  await expect(bash.getByTestId('exit-code')).toHaveText('exit 0');
  await expect(bash.getByTestId('tool-output')).toContainText('timeline-ok');
  await expect(bash.getByTestId('tool-output')).toContainText('second line');
  await expect(bash).toContainText(/took \d/);

  const write = steps.getByRole('listitem').filter({ has: page.getByTestId('diff') });
  await expect(write.getByTestId('diff')).toContainText('+2');
  await expect(write.getByTestId('diff')).toContainText('first');
  expect(fs.readFileSync(`${workspace}/notes.txt`, 'utf8')).toBe('first\nsecond\n');

  // The model's words sit in their own steps, in order with the tool calls.
  await expect(page.getByTestId('model-output').first()).toHaveText('listing the workspace');
  await expect(page.getByTestId('model-output').last()).toHaveText('all done');
  await expect(page.getByTestId('run-duration')).toHaveText(/\d/);
  await expect(page.getByTestId('run-tokens')).toContainText(/\d+ in · \d+ out/);
  await expect(page.getByTestId('run-cost')).toHaveText(/^\$/);

  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('run-timeline.png'), fullPage: true });

  // Export: a zip download of the run.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export (.zip)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${runId}.zip`);
  const saved = testInfo.outputPath('export.zip');
  await download.saveAs(saved);
  expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');

  // A phone-sized screen: nothing makes the page scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(bash.getByTestId('exit-code')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('run-timeline-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Run again: a new run with the same prompt, which does the same work.
  await page.getByRole('button', { name: 'Run again' }).click();
  await expect(page).not.toHaveURL(new RegExp(`${runId}$`));
  await expect(page.getByTestId('run-status')).toHaveText('succeeded');
  expect(runIdOf(page)).not.toBe(runId);
  await expect(page.getByRole('region', { name: 'Prompt' })).toContainText('echo timeline-ok');
  await expect(page.getByRole('list', { name: 'Steps' }).getByTestId('exit-code').first()).toHaveText('exit 0');
});

test('canceling a run asks first, and the step it stops says interrupted', async ({ signedIn: page }, testInfo) => {
  const workspace = makeWorkspace('timeline-cancel');
  await startRun(page, workspace, '::say working on it\n::sleep 60000\n::say never said');
  await expect(page.getByTestId('model-output').first()).toHaveText('working on it');

  // Backing out leaves the run alone.
  await page.getByRole('button', { name: 'Cancel run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this run?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('cancel-confirm.png') });
  await dialog.getByRole('button', { name: 'Keep running' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('run-status')).toHaveText('running');

  // Confirming cancels it.
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await dialog.getByRole('button', { name: 'Yes, cancel run' }).click();
  await expect(page.getByTestId('run-status')).toHaveText('canceled');
  const steps = page.getByRole('list', { name: 'Steps' });
  await expect(steps.getByRole('listitem').first()).toContainText('interrupted');
  await expect(steps).not.toContainText('failed');
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('run-canceled.png'), fullPage: true });
});

test("a session shows its tool calls like the run page, its events in words and REST's status", async ({ signedIn: page }, testInfo) => {
  const workspace = makeWorkspace('timeline-session');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
  const form = page.getByRole('form', { name: 'New session' });
  await form.getByLabel('Workspace path').fill(workspace);
  await form.getByLabel('Model').selectOption(SCRIPTED);
  await form.getByLabel('Permission profile').selectOption('trusted');
  await form.getByRole('button', { name: 'Create session' }).click();
  await expect(page).toHaveURL(/\/app\/sessions\/[^/]+$/);
  await expect(page.getByTestId('session-status')).toHaveText('active');

  await page.getByRole('textbox', { name: 'Message', exact: true }).fill('::tool bash {"command":"echo from-the-chat; exit 3"}\n::say checked');
  await page.getByRole('button', { name: 'Send' }).click();
  const messages = page.getByRole('list', { name: 'Messages' });
  await expect(messages.getByText('checked', { exact: true })).toBeVisible();
  const call = messages.getByTestId('tool-call');
  await expect(call).toContainText('$ echo from-the-chat; exit 3');
  await expect(call.getByTestId('exit-code')).toHaveText('exit 3');
  await expect(call.getByTestId('tool-output')).toContainText('from-the-chat');
  await expect(page.getByTestId('session-status')).toHaveText('completed');

  await page.getByText(/^Events \(\d+\)$/).click();
  const log = page.getByRole('list', { name: 'Session events' });
  await expect(log).toContainText('turn succeeded');
  await expect(log).not.toContainText('{"');
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('session-chat.png'), fullPage: true });
});
