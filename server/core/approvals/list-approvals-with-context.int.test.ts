/**
 * The approvals inbox: pending and decided pages with the context to decide them (workspace, the
 * run's prompt, who asked, who decided and why), owner-scoped, paged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;

interface InboxItem {
  id: string;
  run_id: string | null;
  status: string;
  summary: string;
  workspace_path: string | null;
  context: string | null;
  requested_by: string | null;
  decided_by_name: string | null;
  reason: string | null;
}
interface InboxPage {
  items: InboxItem[];
  total: number;
  stream_cursor: string;
}

async function register(name: string): Promise<string> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${name}@example.com`, password: 'correct horse battery', username: name } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function inbox(token: string, input: { status: 'pending' | 'decided'; offset?: number; limit?: number }): Promise<InboxPage> {
  const res = await s.fetch(`/api/trpc/approvals.inbox?input=${encodeURIComponent(JSON.stringify(input))}`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: InboxPage } }).result.data;
}

async function startRun(token: string, command: string): Promise<string> {
  const res = await s.fetch('/v1/runs', { token, method: 'POST', json: { workspace_path: '.', prompt: `::tool bash {"command":"${command}"}` } });
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { run_id: string }).run_id;
}

async function pendingFor(token: string, runId: string): Promise<InboxItem> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = (await inbox(token, { status: 'pending', limit: 100 })).items.find((a) => a.run_id === runId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for the run to ask for approval');
    await new Promise((r) => setTimeout(r, 100));
  }
}

let alice: string;
let bob: string;

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
  alice = await register('alice');
  bob = await register('bob');
}, 60_000);
afterAll(() => s.close());

describe('approvals.inbox', () => {
  it('shows a pending approval with its workspace, prompt and requester to its owner only, then in history with who decided and why', async () => {
    const runId = await startRun(alice, 'echo inbox-context');
    const pending = await pendingFor(alice, runId);
    expect(pending).toMatchObject({ status: 'pending', summary: expect.stringContaining('echo inbox-context'), requested_by: 'alice', decided_by_name: null });
    expect(pending.context).toContain('echo inbox-context');
    expect(pending.workspace_path).toBeTruthy();
    expect(Number((await inbox(alice, { status: 'pending' })).stream_cursor)).toBeGreaterThanOrEqual(0);

    // Bob neither sees it in his inbox nor in his history.
    const bobPending = await inbox(bob, { status: 'pending', limit: 100 });
    expect(bobPending.items.map((a) => a.id)).not.toContain(pending.id);
    expect(bobPending.total).toBe(0);

    // The admin sees every owner's.
    expect((await inbox(s.adminToken, { status: 'pending', limit: 100 })).items.map((a) => a.id)).toContain(pending.id);

    const decided = await s.fetch('/api/trpc/approvals.decide', { method: 'POST', token: alice, json: { id: pending.id, approve: false, reason: 'not today' } });
    expect(decided.status).toBe(200);
    expect((await inbox(alice, { status: 'pending', limit: 100 })).items.map((a) => a.id)).not.toContain(pending.id);
    const history = await inbox(alice, { status: 'decided' });
    expect(history.items[0]).toMatchObject({ id: pending.id, status: 'denied', decided_by_name: 'alice', reason: 'not today' });
    expect((await inbox(bob, { status: 'decided' })).items).toEqual([]);
  });

  it('pages: limit and offset over a total, oldest pending first', async () => {
    const first = await startRun(bob, 'echo page-one');
    await pendingFor(bob, first);
    const second = await startRun(bob, 'echo page-two');
    await pendingFor(bob, second);
    const page1 = await inbox(bob, { status: 'pending', limit: 1 });
    const page2 = await inbox(bob, { status: 'pending', limit: 1, offset: 1 });
    expect(page1.total).toBe(2);
    expect(page1.items.map((a) => a.run_id)).toEqual([first]);
    expect(page2.items.map((a) => a.run_id)).toEqual([second]);
  });
});
