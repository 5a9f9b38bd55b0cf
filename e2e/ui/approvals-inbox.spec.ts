/**
 * The approvals inbox, end to end on the built-in `scripted` backend: a run parked on a bash call
 * shows in the inbox with its exact command, its workspace and who asked; the keyboard moves to it
 * (j) and approves it (a), letters typed into the reason field are text, not shortcuts; the decision
 * then shows in the history with who decided and why.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, makeWorkspace, test } from './fixtures';

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

async function startRun(page: Page, workspace: string, prompt: string): Promise<void> {
  await mainNav(page).getByRole('link', { name: 'Runs' }).click();
  await expect(page).toHaveURL(/\/app\/runs$/);
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Workspace path').fill(workspace);
  await form.getByLabel('Prompt').fill(prompt);
  await form.getByLabel('Model').selectOption('scripted:default');
  await form.getByLabel('Permission profile').selectOption('default');
  await form.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/app\/runs\/[^/]+$/);
}

test('a parked run shows its command and workspace; j then a approves it; history says who decided', async ({ signedIn: page }, testInfo) => {
  test.setTimeout(90_000);
  const workspace = makeWorkspace('inbox');
  const command = `echo inbox-${path.basename(workspace)} > proof.txt`;

  // Open the inbox first: the request started in another tab arrives live, through the event stream.
  await mainNav(page).getByRole('link', { name: /^Approvals/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Approvals' })).toBeVisible();
  // Other specs may have left requests waiting; this one looks only at its own.
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await expectAccessible(page);

  const other = await page.context().newPage();
  await other.goto('/');
  await startRun(other, workspace, `::tool bash {"command":"${command}"}`);
  const runPath = new URL(other.url()).pathname;
  await other.close();

  const card = page.getByTestId('approval-card').filter({ hasText: command });
  await expect(card).toHaveCount(1);
  await expect(card.locator('pre')).toHaveText(command);
  await expect(card).toContainText(`Workspace ${fs.realpathSync(workspace)}`);
  await expect(card).toContainText('Asked by admin');
  await expect(card).toContainText(/Times out in/);
  await expect(card.getByRole('link')).toHaveAttribute('href', runPath);
  await expect(page.getByText(/j \/ k move between requests/)).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('approvals-pending.png'), fullPage: true });

  // Letters typed as a reason are text, not shortcuts: nothing is decided.
  const reason = card.getByLabel('Reason (optional)');
  await reason.fill('');
  await reason.pressSequentially('checked and safe');
  await expect(reason).toHaveValue('checked and safe');
  await expect(card).toHaveCount(1);

  // Leave the field, then j moves the selection (oldest first) until it reaches this request, and a approves it.
  await page.getByRole('heading', { level: 1, name: 'Approvals' }).click();
  await expect
    .poll(async () => {
      if ((await card.getAttribute('data-selected')) === 'true') return true;
      await page.keyboard.press('j');
      return (await card.getAttribute('data-selected')) === 'true';
    })
    .toBe(true);
  await expect(card).toBeFocused();
  await page.screenshot({ path: testInfo.outputPath('approvals-selected.png'), fullPage: true });
  await page.keyboard.press('a');
  await expect(card).toHaveCount(0);

  const decided = page.getByTestId('approval-history-item').filter({ hasText: command });
  await expect(decided).toHaveCount(1);
  await expect(decided).toContainText('Approved');
  await expect(decided).toContainText('Approved by admin');
  await expect(decided).toContainText('Reason: checked and safe');
  await expect.poll(() => (fs.existsSync(path.join(workspace, 'proof.txt')) ? 'ran' : 'not yet'), { timeout: 20_000 }).toBe('ran');
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('approvals-history.png'), fullPage: true });

  // Narrow screens: no horizontal page overflow.
  await page.setViewportSize({ width: 360, height: 800 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('approvals-360.png'), fullPage: true });
});
