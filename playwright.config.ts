/**
 * End-to-end tests: the BUILT server (`node scripts/start.mjs`, which runs `next build` first if the
 * build is missing or stale) on a loopback port, over a fresh PGlite data dir, driven by Debian's
 * Chromium. Never `npx playwright install`: there is no network for browser downloads.
 *
 * Environment knobs:
 *   E2E_PORT          port for the server (default 18787; keep it below 32768)
 *   E2E_ADMIN_TOKEN   bootstrap admin token (set here when absent, so specs can read it)
 *   E2E_DATA_DIR      data dir to use (default: a fresh temp dir, deleted when the run ends)
 *   E2E_DATABASE_URL  run the server on this Postgres instead of PGlite (DATABASE_URL is NOT passed on)
 *   E2E_REUSE_SERVER  set to 0 to never reuse a server already on E2E_PORT (never reused in CI)
 *   CHROMIUM_PATH     browser binary (default /usr/bin/chromium)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const CI = !!process.env.CI;
const port = Number(process.env.E2E_PORT ?? 18787);
if (!Number.isInteger(port) || port <= 0 || port >= 32768) {
  throw new Error(`E2E_PORT must be an integer in 1..32767 (got ${process.env.E2E_PORT})`);
}
const baseURL = `http://127.0.0.1:${port}`;

// Fixed and >= 16 chars; exported so specs (and Playwright's worker processes, which inherit the
// runner's environment) read the same value via process.env.E2E_ADMIN_TOKEN.
process.env.E2E_ADMIN_TOKEN ??= 'e2e-admin-token-switchboard-0001';
process.env.E2E_BASE_URL = baseURL;
// A daily quota on the scripted backend, so the usage page and the overview show a quota bar; the
// specs read the same value from the environment.
process.env.DAILY_TOKEN_QUOTA ??= 'scripted:1000000';

// The config is evaluated in the runner and again in every worker; only the first evaluation
// (no E2E_DATA_DIR inherited yet) makes the temp dir, and only that process deletes it on exit.
if (!process.env.E2E_DATA_DIR) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-'));
  process.env.E2E_DATA_DIR = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  forbidOnly: CI,
  retries: 0,
  // Two cores run the server, Next and Chromium: one worker in CI, two locally.
  workers: CI ? 1 : 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
          args: chromiumArgs,
        },
      },
    },
  ],
  webServer: {
    command: 'node scripts/start.mjs',
    url: `${baseURL}/healthz`,
    reuseExistingServer: !CI && process.env.E2E_REUSE_SERVER !== '0',
    // A first start runs `next build`, which takes minutes on two cores.
    timeout: 10 * 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseURL,
      DATA_DIR: process.env.E2E_DATA_DIR,
      ADMIN_TOKEN: process.env.E2E_ADMIN_TOKEN,
      // Blank (= unset for the server) whatever the caller's shell may carry.
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
      BRIDGE_AUTH_TOKEN: '',
      HARNESS_AUTH_TOKEN: '',
      AEGIS_AUTH_TOKEN: '',
      AUTOPACK_API_KEY: '',
      AUTH_DISABLED: '',
      WORKSPACE_ROOTS: '',
      DAILY_TOKEN_QUOTA: process.env.DAILY_TOKEN_QUOTA,
      SWITCHBOARD_NO_DASHBOARD: '',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    },
  },
});
