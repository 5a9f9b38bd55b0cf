/**
 * GET /agentd/v1/runs/{run_id} reads a run and its steps in one statement; it must answer exactly
 * what the list (read the long way: the rows, then their steps) says of the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { user } from '@/db/schema';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function finishedRun(prompt: string): Promise<string> {
  const workspace = path.join(s.dataDir, 'workspaces', 'runs');
  fs.mkdirSync(workspace, { recursive: true });
  const res = await s.fetch('/agentd/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, prompt } });
  expect(res.status).toBe(200);
  const { run_id } = (await res.json()) as { run_id: string };
  await expect
    .poll(async () => ((await (await s.fetch(`/agentd/v1/runs/${run_id}`, { token: s.adminToken })).json()) as { status: string }).status, { timeout: 15_000 })
    .toBe('succeeded');
  return run_id;
}

describe('GET /agentd/v1/runs/{run_id}', () => {
  it('answers the run with its steps in order, exactly as the list shows it', async () => {
    const id = await finishedRun('::say one\n::say two\n::say three');
    const one = (await (await s.fetch(`/agentd/v1/runs/${id}`, { token: s.adminToken })).json()) as { id: string; steps: Array<{ index: number }> };
    const list = (await (await s.fetch('/agentd/v1/runs', { token: s.adminToken })).json()) as Array<{ id: string }>;
    expect(one.steps.length).toBeGreaterThan(0);
    expect(one.steps.map((step) => step.index)).toEqual([...one.steps.map((step) => step.index)].sort((a, b) => a - b));
    expect(one).toEqual(list.find((r) => r.id === id));
  });

  it('is 404 for an unknown run and for a run of another owner', async () => {
    const id = await finishedRun('::say mine');
    expect((await s.fetch('/agentd/v1/runs/no-such-run', { token: s.adminToken })).status).toBe(404);
    const created = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'reader', scopes: ['runs:read'] } });
    const reader = (await created.json()) as { key: string };
    // An admin-made key acts for the admin: it sees the admin's run…
    expect((await s.fetch(`/agentd/v1/runs/${id}`, { token: reader.key })).status).toBe(200);
    // …while a user's credential does not.
    // A user with no sign-up: the row is all ownership needs.
    await s.services.db.insert(user).values({ id: 'u-other', name: 'other', email: 'other@example.com' });
    const userKey = await s.services.auth.api.createApiKey({ body: { name: 'theirs', userId: 'u-other', prefix: 'sb_', permissions: { runs: ['read'] } } });
    expect((await s.fetch(`/agentd/v1/runs/${id}`, { token: userKey.key })).status).toBe(404);
  });
});
