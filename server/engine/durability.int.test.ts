import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminPrincipal } from '@/server/auth/principal';
import { startTestServer, type TestServer } from '@/server/testing/harness';

function workspaceOf(s: TestServer, name: string) {
  const dir = path.join(s.dataDir, 'workspaces', name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function startRun(s: TestServer, workspace: string, prompt: string): Promise<string> {
  const res = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, prompt } });
  const body = await res.json();
  if (res.status !== 200) throw new Error(JSON.stringify(body));
  return body.run_id;
}

async function runStatus(s: TestServer, id: string): Promise<any> {
  return (await s.fetch(`/v1/runs/${id}`, { token: s.adminToken })).json();
}

async function waitFor(s: TestServer, id: string, statuses: string[], timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runStatus(s, id);
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run is ${run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('durable approvals', () => {
  it('a run waiting for approval keeps waiting across a restart, then finishes once approved', async () => {
    const first = await startTestServer();
    const workspace = workspaceOf(first, 'w');
    const id = await startRun(first, workspace, '::tool bash {"command":"echo after-restart > r.txt"}\n::say done');
    const waiting = await waitFor(first, id, ['waiting_approval']);
    await first.close({ keepData: true });

    const second = await startTestServer({}, { restartOf: first });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect((await runStatus(second, id)).status).toBe('waiting_approval');
      const step = waiting.steps.find((st: any) => st.status === 'waiting_approval');
      await second.fetch(`/v1/runs/${id}/approve`, { method: 'POST', token: second.adminToken, json: { step_id: step.id } });
      await waitFor(second, id, ['succeeded']);
      expect(fs.readFileSync(path.join(workspace, 'r.txt'), 'utf8')).toBe('after-restart\n');
    } finally {
      await second.close();
    }
  });

  it('an unanswered approval times out to the configured default (deny) and the run goes on', async () => {
    const s = await startTestServer({ APPROVAL_TIMEOUT_SECONDS: '1' });
    try {
      const workspace = workspaceOf(s, 't');
      const id = await startRun(s, workspace, '::tool bash {"command":"touch never.txt"}\n::say moved on');
      const run = await waitFor(s, id, ['succeeded', 'failed'], 15_000);
      expect(run.status).toBe('succeeded');
      expect(run.steps[1].status).toBe('skipped');
      expect(fs.existsSync(path.join(workspace, 'never.txt'))).toBe(false);
    } finally {
      await s.close();
    }
  });
});

describe('emergency stop', () => {
  it('cancels active work within 1 s, refuses new work with 503, and survives a restart', async () => {
    const first = await startTestServer();
    const workspace = workspaceOf(first, 'e');
    const sleeping = await startRun(first, workspace, '::sleep 30000');
    await waitFor(first, sleeping, ['running']);
    const { activateEmergencyStop } = await import('@/server/core/emergency/emergency-stop');
    const started = Date.now();
    const state = await activateEmergencyStop(first.services, adminPrincipal(), { reason: 'drill' });
    expect(state).toMatchObject({ active: true, reason: 'drill', cancelled_runs: 1 });
    await waitFor(first, sleeping, ['canceled'], 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    const refused = await first.fetch('/v1/runs', { method: 'POST', token: first.adminToken, json: { workspace_path: workspace, prompt: 'x' } });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'EMERGENCY_STOP_ACTIVE' });
    await first.close({ keepData: true });

    const second = await startTestServer({}, { restartOf: first });
    try {
      expect((await second.fetch('/v1/runs', { method: 'POST', token: second.adminToken, json: { workspace_path: workspace, prompt: 'x' } })).status).toBe(503);
      const { resumeFromEmergencyStop } = await import('@/server/core/emergency/emergency-stop');
      await resumeFromEmergencyStop(second.services, adminPrincipal(), {});
      expect((await second.fetch('/v1/runs', { method: 'POST', token: second.adminToken, json: { workspace_path: workspace, prompt: 'x' } })).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('usage and limits', () => {
  it('records every model call, and DAILY_TOKEN_QUOTA refuses work once the day\u2019s tokens are used (429)', async () => {
    const s = await startTestServer({ DAILY_TOKEN_QUOTA: 'scripted:100' });
    try {
      const workspace = workspaceOf(s, 'q');
      const id = await startRun(s, workspace, '::usage 70 40\n::say spent');
      await waitFor(s, id, ['succeeded']);
      const { usageSummary } = await import('@/server/core/usage/usage-summary');
      const summary = await usageSummary(s.services, adminPrincipal(), { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) });
      expect(summary.rows).toEqual([{ provider: 'scripted', model: 'default', calls: 1, input_tokens: 70, output_tokens: 40, cost_usd: 0 }]);
      const refused = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, prompt: 'more' } });
      expect(refused.status).toBe(429);
      expect((await refused.json()).error).toContain('daily token quota for scripted');
    } finally {
      await s.close();
    }
  });
});
