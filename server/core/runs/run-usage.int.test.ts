/**
 * tRPC runs.usage sums the usage ledger for one run, for its owner only: another owner's run is
 * 404 like any unknown run.
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
  const workspace = path.join(s.dataDir, 'workspaces', 'usage');
  fs.mkdirSync(workspace, { recursive: true });
  const res = await s.fetch('/agentd/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, prompt, model: 'scripted:default' } });
  expect(res.status).toBe(200);
  const { run_id } = (await res.json()) as { run_id: string };
  await expect
    .poll(async () => ((await (await s.fetch(`/agentd/v1/runs/${run_id}`, { token: s.adminToken })).json()) as { status: string }).status, { timeout: 15_000 })
    .toBe('succeeded');
  return run_id;
}

async function usage(id: string, token: string) {
  const res = await s.fetch(`/api/trpc/runs.usage?input=${encodeURIComponent(JSON.stringify({ id }))}`, { token });
  const body = (await res.json()) as { result?: { data: { calls: number; input_tokens: number; output_tokens: number; cost_usd: number } } };
  return { status: res.status, data: body.result?.data };
}

describe('tRPC runs.usage', () => {
  it("sums the run's model calls from the ledger, and nothing of other runs", async () => {
    const id = await finishedRun('::say one\n::usage 120 30');
    await finishedRun('::say other\n::usage 999 999');
    const { status, data } = await usage(id, s.adminToken);
    expect(status).toBe(200);
    expect(data).toMatchObject({ calls: 1, input_tokens: 120, output_tokens: 30 });
    expect(data!.cost_usd).toBeGreaterThanOrEqual(0);
  });

  it('is 404 for an unknown run and for a run of another owner', async () => {
    const id = await finishedRun('::say mine\n::usage 5 5');
    expect((await usage('no-such-run', s.adminToken)).status).toBe(404);
    await s.services.db.insert(user).values({ id: 'u-usage-other', name: 'other', email: 'usage-other@example.com' });
    const theirs = await s.services.auth.api.createApiKey({ body: { name: 'theirs', userId: 'u-usage-other', prefix: 'sb_', permissions: { runs: ['read'] } } });
    const refused = await usage(id, theirs.key);
    expect(refused.status).toBe(404);
    expect(refused.data).toBeUndefined();
  });
});
