/**
 * Token usage and daily quotas, after real work: runs and session turns submitted through agentd
 * (usage counts whichever dialect submitted the work) on the scripted backend, whose `::usage`
 * directive reports exact token counts for each model call.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageRecord } from '@/db/schema';
import { newId } from '@/server/core/shared/ids';
import { utcDayStart } from '@/server/core/usage/quota';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import {
  adminWorkspace,
  echohelixModulesBuilt,
  fakeClaudeOnPath,
  finishedRun,
  finishedTurn,
  openSession,
  postMessage,
  signUp,
  submitRun,
} from './usage-test-support';

const DAY_MS = 86_400_000;
const SCRIPTED_LIMIT = 100_000;
const CLAUDE_LIMIT = 50;

let s: TestServer;
let binDir: string;
let alice: { token: string; workspace: string };
let bob: { token: string; workspace: string };
let aliceSession: string;

beforeAll(async () => {
  binDir = fakeClaudeOnPath();
  s = await startTestServer({
    SIGNUP_ENABLED: '1',
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    // EchoHelix names: `claude` is the claude-code provider.
    DAILY_TOKEN_QUOTA: `scripted:${SCRIPTED_LIMIT},claude:${CLAUDE_LIMIT}`,
  });
  alice = await signUp(s, 'alice');
  bob = await signUp(s, 'bob');
  await finishedRun(s, s.adminToken, adminWorkspace(s), '::usage 300 30\n::say from the admin');
  // Two model calls (one before the tool, one after), one run.
  await finishedRun(s, alice.token, alice.workspace, '::usage 20 2\n::tool current_time\n::usage 5 1\n::say done');
  aliceSession = await openSession(s, alice.token, alice.workspace);
  await finishedTurn(s, alice.token, aliceSession, '::usage 7 3\n::say first');
  await finishedTurn(s, alice.token, aliceSession, '::usage 11 1\n::say second');
  await finishedRun(s, bob.token, bob.workspace, '::usage 40 4\n::say from bob');
}, 120_000);
afterAll(async () => {
  await s.close();
  fs.rmSync(binDir, { recursive: true, force: true });
});

async function tokens(query: string, token = alice.token, base = '') {
  const res = await s.fetch(`${base}/api/v3/usage/tokens${query}`, { token });
  return { status: res.status, body: (await res.json()) as any };
}

const row = (run_count: number, input_tokens: number, output_tokens: number) => ({ run_count, input_tokens, output_tokens, total_tokens: input_tokens + output_tokens });

describe('GET /api/v3/usage/tokens', () => {
  it("sums the caller's owner's runs and session turns over the last 24 h: each call once, a run once, a turn once", async () => {
    const before = Date.now();
    const { status, body } = await tokens('');
    expect(status).toBe(200);
    expect(body.totals).toEqual(row(3, 43, 7));
    expect(body.by_backend).toEqual([{ backend: 'scripted', ...row(3, 43, 7) }]);
    // `to` is now, `from` 24 h before it, both RFC 3339 UTC.
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(DAY_MS);
    expect(body.to).toMatch(/Z$/);

    expect((await tokens('', bob.token)).body.totals).toEqual(row(1, 40, 4));
    // The bootstrap token holds backends:read and sees every owner's usage.
    expect((await tokens('', s.adminToken)).body.totals).toEqual(row(5, 383, 41));
  });

  it('takes `window` as a Go duration, and narrows to a backend by its EchoHelix name', async () => {
    for (const window of ['1h', '90m', '1h30m', '1.5h', '300s']) {
      const { status, body } = await tokens(`?window=${window}`);
      expect(status).toBe(200);
      expect(body.totals).toEqual(row(3, 43, 7));
    }
    const { body } = await tokens('?window=300ms');
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(300);
    expect((await tokens('?backend=scripted')).body.by_backend).toEqual([{ backend: 'scripted', ...row(3, 43, 7) }]);
    expect((await tokens('?backend=claude')).body).toMatchObject({ totals: row(0, 0, 0), by_backend: [] });
  });

  it('echoes `from` and `to` as sent; `from` overrides `window`; `to` defaults to now', async () => {
    const from = '2020-01-01T00:00:00Z';
    const to = '2099-12-31T23:59:59+02:00';
    const { status, body } = await tokens(`?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&window=1ms`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from, to, totals: row(3, 43, 7) });

    const future = new Date(Date.now() + 60_000).toISOString();
    const later = await tokens(`?from=${future}&to=2099-01-01T00:00:00.000Z`);
    expect(later.body).toMatchObject({ from: future, to: '2099-01-01T00:00:00.000Z', totals: row(0, 0, 0), by_backend: [] });

    const onlyFrom = await tokens(`?from=${from}`);
    expect(onlyFrom.body.from).toBe(from);
    expect(Math.abs(Date.parse(onlyFrom.body.to) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ['?window=1d', 'window', 'unknown unit "d"'],
    ['?window=24', 'window', 'missing unit'],
    ['?window=-1h', 'window', 'positive'],
    ['?window=', 'window', 'expected a number'],
    ['?from=yesterday', 'from', 'RFC 3339'],
    ['?to=2026-13-01T00:00:00Z', 'to', 'RFC 3339'],
    ['?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'from', 'after'],
  ])('%s is 400 naming `%s`', async (query, field, why) => {
    const { status, body } = await tokens(query);
    expect(status).toBe(400);
    expect(body.error).toContain(field);
    expect(body.error).toContain(why);
  });

  it('answers under /echohelix too, needs backends:read and a credential', async () => {
    expect((await tokens('', alice.token, '/echohelix')).body.totals).toEqual(row(3, 43, 7));
    expect((await s.fetch('/api/v3/usage/tokens')).status).toBe(401);
  });
});

async function quota(query = '', token = alice.token, base = '') {
  const res = await s.fetch(`${base}/api/v3/usage/quota${query}`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: any[] }).items;
}

describe('GET /api/v3/usage/quota', () => {
  const today = () => utcDayStart().toISOString();
  const tomorrow = () => new Date(utcDayStart().getTime() + DAY_MS).toISOString();
  // Every owner's: the admin's, alice's and bob's (see the first usage test).
  const everyonesScripted = 383 + 41;

  it("gives today's UTC window, limit, the server-wide use that decides refusals, and what is left", async () => {
    expect(await quota('?backend=scripted')).toEqual([
      {
        backend: 'scripted',
        window_from: today(),
        window_to: tomorrow(),
        configured: true,
        quota_tokens: SCRIPTED_LIMIT,
        used_tokens: everyonesScripted,
        remaining_tokens: SCRIPTED_LIMIT - everyonesScripted,
        exceeded: false,
      },
    ]);
  });

  it('reads DAILY_TOKEN_QUOTA in EchoHelix names: `claude` limits the claude-code backend', async () => {
    const all = await quota();
    expect(all.map((q) => q.backend)).toEqual(expect.arrayContaining(['scripted', 'claude']));
    expect(all.find((q) => q.backend === 'claude')).toMatchObject({ configured: true, quota_tokens: CLAUDE_LIMIT, used_tokens: 0, remaining_tokens: CLAUDE_LIMIT, exceeded: false });
    expect(await quota('?backend=claude', alice.token, '/echohelix')).toHaveLength(1);
  });

  it('lists a backend without a limit as not configured', async () => {
    expect(await quota('?backend=openai')).toEqual([
      { backend: 'openai', window_from: today(), window_to: tomorrow(), configured: false, quota_tokens: 0, used_tokens: 0, remaining_tokens: 0, exceeded: false },
    ]);
  });

  it('once a backend has used its day, it is exceeded and new runs and turns on it are refused at submit (429 QUOTA_EXCEEDED)', async () => {
    // claude-code: its usage recorded under the provider name, its limit set under EchoHelix's.
    await s.services.db.insert(usageRecord).values({
      id: newId('use'),
      stepId: newId('stp'),
      provider: 'claude-code',
      model: 'default',
      inputTokens: CLAUDE_LIMIT,
      outputTokens: 10,
      costUsd: 0,
      principalId: 'admin',
      ownerId: 'admin',
    });
    expect(await quota('?backend=claude')).toMatchObject([{ used_tokens: CLAUDE_LIMIT + 10, remaining_tokens: 0, exceeded: true }]);
    const claudeRun = await submitRun(s, alice.token, alice.workspace, 'hello', 'claude-code:default');
    expect(claudeRun.status).toBe(429);
    expect(await claudeRun.json()).toMatchObject({ code: 'QUOTA_EXCEEDED' });

    // scripted: real usage over the limit, then a run and a turn are refused.
    await finishedRun(s, s.adminToken, adminWorkspace(s), `::usage ${SCRIPTED_LIMIT} 0\n::say that was a lot`);
    expect(await quota('?backend=scripted')).toMatchObject([{ exceeded: true, remaining_tokens: 0 }]);
    const run = await submitRun(s, alice.token, alice.workspace, '::say one more');
    expect(run.status).toBe(429);
    const runRefusal = await run.json();
    expect(runRefusal).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(runRefusal.error).toContain('daily token quota for scripted');
    const turn = await postMessage(s, alice.token, aliceSession, '::say one more');
    expect(turn.status).toBe(429);
    expect(await turn.json()).toMatchObject({ code: 'QUOTA_EXCEEDED' });
  });
});

// Runs once runs and sessions are merged in; it follows the quota test above, which used up both days.
describe.runIf(echohelixModulesBuilt('runs', 'sessions'))("quota refusals through EchoHelix's own endpoints", () => {
  it('POST /api/v3/runs (claude and scripted) and POST /api/v3/sessions/{session_id}/turns are refused with 429 QUOTA_EXCEEDED', async () => {
    for (const backend of ['claude', 'scripted']) {
      const res = await s.fetch('/api/v3/runs', { method: 'POST', token: alice.token, json: { workspace_id: 'mine', workspace_path: alice.workspace, backend, prompt: '::say hi' } });
      expect(res.status).toBe(429);
      expect(await res.json()).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    }
    const created = await s.fetch('/api/v3/sessions', { method: 'POST', token: alice.token, json: { workspace_path: alice.workspace, backend: 'scripted' } });
    expect(created.status).toBe(201);
    const { session_id } = (await created.json()) as { session_id: string };
    const turn = await s.fetch(`/api/v3/sessions/${session_id}/turns`, { method: 'POST', token: alice.token, json: { prompt: '::say hi' } });
    expect(turn.status).toBe(429);
    expect(await turn.json()).toMatchObject({ code: 'QUOTA_EXCEEDED' });
  });
});
