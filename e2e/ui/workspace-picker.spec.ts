/**
 * The workspace picker on the run and session forms: a folder is found by browsing the server's
 * workspace root (no path typed), a run starts there, and the folder is offered again as a recent
 * workspace; a typed path that is not an allowed workspace says so in plain words. Each state is
 * checked with axe and saved as a screenshot; at 360 px the form with the browser open fits the screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, expectAccessible, makeWorkspace, test } from './fixtures';

const SCRIPTED = 'scripted:default';

/** The element lies within the viewport's width and nothing in it scrolls it sideways. */
async function expectFits(element: Locator, width: number): Promise<void> {
  const box = await element.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
  expect(await element.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
}

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

test('a run starts in a folder picked by browsing, which is then offered as a recent workspace', async ({ signedIn: page }, testInfo) => {
  test.setTimeout(60_000);
  const workspace = fs.realpathSync(makeWorkspace('picker'));
  fs.mkdirSync(path.join(workspace, 'inner'));
  fs.writeFileSync(path.join(workspace, 'README.md'), 'a file is not listed');
  const name = path.basename(workspace);

  await mainNav(page).getByRole('link', { name: 'Runs' }).click();
  await expect(page).toHaveURL(/\/app\/runs$/);
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Workspace path').fill('');

  // Open the browser from the keyboard: it starts at the workspace root.
  const toggle = form.getByRole('button', { name: 'Browse…' });
  await expect(toggle).toBeEnabled();
  await toggle.press('Enter');
  const browser = form.getByRole('group', { name: 'Browse workspace folders' });
  const crumbs = browser.getByRole('navigation', { name: 'Folder path' });
  await expect(crumbs.locator('[aria-current="location"]')).toHaveText('workspaces');
  await browser.getByRole('button', { name, exact: true }).press('Enter');
  await expect(crumbs.locator('[aria-current="location"]')).toHaveText(name);
  await expect(browser.getByRole('list', { name: `Folders in ${name}` }).getByRole('button', { name: 'inner', exact: true })).toBeVisible();
  await expect(browser.getByText('README.md')).toHaveCount(0);
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('picker-browsing.png'), fullPage: true });

  // Down into `inner`, back to the root by its crumb, and into the workspace again.
  await browser.getByRole('button', { name: 'inner', exact: true }).click();
  await expect(crumbs.locator('[aria-current="location"]')).toHaveText('inner');
  await expect(browser.getByText('No folders here.')).toBeVisible();
  await crumbs.getByRole('button', { name: 'workspaces' }).click();
  await browser.getByRole('button', { name, exact: true }).click();
  await expect(browser.getByText(workspace, { exact: true })).toBeVisible();
  await browser.getByRole('button', { name: 'Use this folder' }).click();

  await expect(browser).toHaveCount(0);
  await expect(toggle).toBeFocused();
  await expect(form.getByLabel('Workspace path')).toHaveValue(workspace);

  await form.getByLabel('Prompt').fill('::say picked without typing');
  await form.getByLabel('Model').selectOption(SCRIPTED);
  await form.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/app\/runs\/[^/]+$/);
  await expect(page.getByText(workspace, { exact: true }).first()).toBeVisible();

  // Back on the form the folder is a recent workspace: one click fills the path.
  await mainNav(page).getByRole('link', { name: 'Runs' }).click();
  await form.getByLabel('Workspace path').fill('');
  const recent = form.getByRole('group', { name: 'Recent:' });
  await recent.getByRole('button', { name, exact: true }).click();
  await expect(form.getByLabel('Workspace path')).toHaveValue(workspace);
  await expect(recent.getByRole('button', { name, exact: true })).toHaveAttribute('aria-pressed', 'true');

  // Narrow screen: the open browser fits without sideways scrolling.
  await page.setViewportSize({ width: 360, height: 800 });
  await form.getByRole('button', { name: 'Browse…' }).click();
  await expect(browser.getByRole('button', { name: 'Use this folder' })).toBeVisible();
  await expectFits(form, 360);
  await page.screenshot({ path: testInfo.outputPath('picker-narrow.png'), fullPage: true });
  // Escape closes it and gives the focus back to its button.
  await browser.getByRole('button', { name: 'Use this folder' }).press('Escape');
  await expect(browser).toHaveCount(0);
  await expect(form.getByRole('button', { name: 'Browse…' })).toBeFocused();
});

test('a typed path that is not an allowed workspace is refused in plain words', async ({ signedIn: page }, testInfo) => {
  const workspace = fs.realpathSync(makeWorkspace('typed'));

  await mainNav(page).getByRole('link', { name: 'Sessions' }).click();
  await expect(page).toHaveURL(/\/app\/sessions$/);
  const form = page.getByRole('form', { name: 'New session' });
  await form.getByLabel('Model').selectOption(SCRIPTED);

  for (const typed of [path.join(workspace, 'no-such-folder'), '/etc']) {
    await form.getByLabel('Workspace path').fill(typed);
    await form.getByRole('button', { name: 'Create session' }).click();
    await expect(form.getByRole('alert')).toHaveText('That folder does not exist under your workspaces.');
  }
  await expect(page).toHaveURL(/\/app\/sessions$/);
  await expectAccessible(page);
  await page.screenshot({ path: testInfo.outputPath('picker-bad-path.png'), fullPage: true });

  // Typing a good path still works.
  await form.getByLabel('Workspace path').fill(workspace);
  await form.getByRole('button', { name: 'Create session' }).click();
  await expect(page).toHaveURL(/\/app\/sessions\/[^/]+$/);
});
