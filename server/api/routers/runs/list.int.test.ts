/**
 * `runs.list` and `sessions.list`: the filters (status, workspace, model, origin, owner, text), each
 * kept to the caller's own work — an owner filter narrows a user's scope, it never widens it — and
 * the global stream position a page reflects, after which `events.global` tells of every change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { openSse, type SseFrame } from '@/server/testing/sse-client';

let s: TestServer;
let workspace: string;
let otherWorkspace: string;
let alice: string;

interface RunRow {
  id: string;
  status: string;
  prompt: string;
  origin: string;
  workspace_path: string;
}
interface RunList {
  runs: RunRow[];
  total: number;
  cursor: string;
}
interface SessionList {
  sessions: Array<{ id: string; title: string | null; status: string; origin: string }>;
  total: number;
  cursor: string;
}

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
  workspace = path.join(s.dataDir, 'workspaces', 'lists');
  otherWorkspace = path.join(s.dataDir, 'workspaces', 'lists-other');
  for (const dir of [workspace, otherWorkspace]) fs.mkdirSync(dir, { recursive: true });
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: 'alice@example.com', password: 'correct horse battery', username: 'alice' } });
  expect(res.status).toBe(201);
  alice = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(() => s.close());

async function trpc<T>(procedure: string, input: unknown, token = s.adminToken, method: 'GET' | 'POST' = 'GET'): Promise<{ status: number; data?: T; error?: { data?: { code?: string } } }> {
  const res =
    method === 'GET'
      ? await s.fetch(`/api/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { token })
      : await s.fetch(`/api/trpc/${procedure}`, { method: 'POST', token, json: input });
  const body = (await res.json()) as { result?: { data: T }; error?: { data?: { code?: string } } };
  return { status: res.status, data: body.result?.data, error: body.error };
}

async function ok<T>(procedure: string, input: unknown, token = s.adminToken, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const answer = await trpc<T>(procedure, input, token, method);
  if (answer.status !== 200) throw new Error(`${procedure}: ${answer.status} ${JSON.stringify(answer.error)}`);
  return answer.data!;
}

const listRuns = (input: Record<string, unknown>, token = s.adminToken) => ok<RunList>('runs.list', input, token);
const idsOf = (page: RunList) => page.runs.map((r) => r.id);

async function settled(id: string, token = s.adminToken): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { status } = await ok<RunRow>('runs.get', { id }, token);
    if (/^(succeeded|failed|canceled|waiting_approval)$/.test(status) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Through the agentd dialect: its runs have origin `agentd`. */
async function agentdRun(prompt: string, dir = workspace): Promise<string> {
  const res = await s.fetch('/agentd/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: dir, prompt } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { run_id: string }).run_id;
}

const dashboardRun = (prompt: string, token = s.adminToken, workspacePath = workspace) =>
  ok<{ id: string }>('runs.create', { workspacePath: token === s.adminToken ? workspacePath : '.', prompt }, token, 'POST').then((r) => r.id);

describe('runs.list filters', () => {
  let done: string;
  let parked: string;
  let viaAgentd: string;
  let elsewhere: string;
  let alices: string;

  beforeAll(async () => {
    done = await dashboardRun('::say filters: finished 100% of it');
    parked = await dashboardRun('::tool bash {"command":"echo parked"}\n::say filters: after');
    viaAgentd = await agentdRun('::say filters: through agentd');
    elsewhere = await dashboardRun('::say filters: another workspace', s.adminToken, otherWorkspace);
    alices = await dashboardRun('::say filters: alice was here', alice);
    expect(await settled(done)).toBe('succeeded');
    expect(await settled(parked)).toBe('waiting_approval');
    for (const id of [viaAgentd, elsewhere]) expect(await settled(id)).toBe('succeeded');
    expect(await settled(alices, alice)).toBe('succeeded');
  });

  it('narrows by status', async () => {
    const waiting = await listRuns({ status: ['waiting_approval'] });
    expect(idsOf(waiting)).toContain(parked);
    expect(waiting.runs.every((r) => r.status === 'waiting_approval')).toBe(true);
    const finished = await listRuns({ status: ['succeeded', 'failed'] });
    expect(idsOf(finished)).toEqual(expect.arrayContaining([done, viaAgentd, elsewhere]));
    expect(idsOf(finished)).not.toContain(parked);
    expect(finished.total).toBe(finished.runs.length);
  });

  it('searches the prompt text, case-insensitively and literally', async () => {
    expect(idsOf(await listRuns({ q: 'THROUGH AGENTD' }))).toEqual([viaAgentd]);
    // `%` and `_` are text, not wildcards.
    expect(idsOf(await listRuns({ q: '100%' }))).toEqual([done]);
    expect(idsOf(await listRuns({ q: 'filters_' }))).toEqual([]);
  });

  it('narrows by workspace, model and dialect of origin', async () => {
    expect(idsOf(await listRuns({ workspace: otherWorkspace }))).toEqual([elsewhere]);
    const byOrigin = await listRuns({ origin: 'agentd', q: 'filters:' });
    expect(idsOf(byOrigin)).toEqual([viaAgentd]);
    const model = (await ok<RunRow & { model: string }>('runs.get', { id: done })).model;
    expect(idsOf(await listRuns({ model, q: 'filters:' }))).toEqual(expect.arrayContaining([done, parked]));
    expect(await listRuns({ model: 'no-such-model' })).toMatchObject({ runs: [], total: 0 });
    // Filters combine.
    expect(idsOf(await listRuns({ workspace, origin: 'dashboard', status: ['succeeded'], q: 'filters:' }))).toEqual([done]);
  });

  it('pages through the filtered runs, most recent first', async () => {
    const all = await listRuns({ q: 'filters:' });
    expect(all.total).toBe(5);
    const first = await listRuns({ q: 'filters:', limit: 2 });
    const second = await listRuns({ q: 'filters:', limit: 2, offset: 2 });
    expect([...idsOf(first), ...idsOf(second)]).toEqual(idsOf(all).slice(0, 4));
    expect(second.total).toBe(5);
  });

  it('keeps everyone to their own runs: an owner filter narrows a user’s scope, never widens it', async () => {
    // The admin sees everyone's, and may narrow to one owner.
    expect(idsOf(await listRuns({ q: 'filters:' }))).toContain(alices);
    const aliceOwner = (await ok<{ id: string }>('auth.me', undefined, alice)).id;
    expect(idsOf(await listRuns({ owner: aliceOwner, q: 'filters:' }))).toEqual([alices]);
    expect(idsOf(await listRuns({ owner: 'admin', q: 'filters:' }))).not.toContain(alices);
    // Alice sees only hers, whatever she asks for.
    expect(idsOf(await listRuns({ q: 'filters:' }, alice))).toEqual([alices]);
    expect(idsOf(await listRuns({ owner: aliceOwner }, alice))).toEqual([alices]);
    expect(await listRuns({ owner: 'admin' }, alice)).toMatchObject({ runs: [], total: 0 });
    expect(await listRuns({ workspace: otherWorkspace }, alice)).toMatchObject({ runs: [], total: 0 });
  });

  it('refuses filters it does not know how to apply', async () => {
    for (const input of [{ status: ['sleeping'] }, { limit: 0 }, { q: 'x'.repeat(201) }, { workspace: '' }]) {
      expect(await trpc('runs.list', input)).toMatchObject({ status: 400, error: { data: { code: 'BAD_REQUEST' } } });
    }
  });
});

describe('the cursor a list answers', () => {
  it('is where events.global tells of the runs created after the page was read, by any face', async () => {
    const before = await listRuns({ limit: 1 });
    const sse = await openSse(`${s.url}/api/trpc/events.global?input=${encodeURIComponent(JSON.stringify({ lastEventId: before.cursor }))}`, {
      authorization: `Bearer ${s.adminToken}`,
    });
    const id = await agentdRun('::say after the page');
    const frame = await sse.waitFor((f: SseFrame) => f.event === undefined && !!f.data && (JSON.parse(f.data) as { stream?: string }).stream === `run:${id}`);
    expect(JSON.parse(frame.data)).toMatchObject({ type: 'run_created' });
    // Nothing the page already reflected is told again.
    const told = sse.frames.filter((f) => f.event === undefined && f.id).map((f) => Number(f.id));
    expect(Math.min(...told)).toBeGreaterThan(Number(before.cursor));
    sse.close();
    expect(idsOf(await listRuns({ limit: 1 }))).toEqual([id]);
  });
});

describe('sessions.list filters', () => {
  it('narrows by text, status, workspace and origin, within the caller’s own sessions', async () => {
    const create = (title: string, token = s.adminToken, workspacePath = workspace) =>
      ok<{ id: string }>('sessions.create', { workspacePath: token === s.adminToken ? workspacePath : '.', title }, token, 'POST').then((r) => r.id);
    const planning = await create('Planning the 50% release');
    const review = await create('Code review', s.adminToken, otherWorkspace);
    const hers = await create('Alice planning', alice);
    const list = (input: Record<string, unknown>, token = s.adminToken) => ok<SessionList>('sessions.list', input, token).then((p) => p.sessions.map((x) => x.id));

    expect(await list({ q: 'PLANNING' })).toEqual([hers, planning]);
    expect(await list({ q: '50%' })).toEqual([planning]);
    expect(await list({ workspace: otherWorkspace })).toEqual([review]);
    expect(await list({ status: ['idle'], origin: 'dashboard', q: 'planning' })).toEqual([hers, planning]);
    expect(await list({ status: ['closed'], q: 'planning' })).toEqual([]);
    expect(await list({ q: 'planning' }, alice)).toEqual([hers]);
    expect(await list({ owner: 'admin', q: 'planning' }, alice)).toEqual([]);
    expect(await list({ owner: 'admin', q: 'planning' })).toEqual([planning]);
    expect(await trpc('sessions.list', { status: ['succeeded'] })).toMatchObject({ status: 400 });
    expect((await ok<SessionList>('sessions.list', {})).cursor).toMatch(/^\d+$/);
  });
});
