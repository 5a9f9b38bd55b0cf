/**
 * The overview read model: pending approvals, active runs and sessions, recent failures, today's
 * usage against the daily quota, the backends, and the emergency stop, each owner seeing only
 * their own (the admin everyone's), and a part needing the scope that reads it elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPrincipal, type Principal } from '@/server/auth/principal';
import { ACCOUNT_SCOPES, USER_SCOPES } from '@/server/auth/scopes';
import * as apiKeys from '@/server/core/api-keys';
import * as emergency from '@/server/core/emergency';
import { readGlobal } from '@/server/core/events/read-global';
import * as overview from '@/server/core/overview';
import * as runs from '@/server/core/runs';
import * as sessions from '@/server/core/sessions';
import { startTestServer, type TestServer } from '@/server/testing/harness';

const MODEL = 'scripted:default';
let s: TestServer;
const admin = adminPrincipal();
interface User {
  token: string;
  id: string;
  principal: Principal;
}
let alice: User;
let bob: User;
const ids = { aliceParked: '', aliceFailed: '', aliceDone: '', aliceSession: '', bobParked: '' };

async function register(username: string): Promise<User> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${username}@example.com`, password: 'correct horse battery', username } });
  expect(res.status).toBe(201);
  const token = ((await res.json()) as { access_token: string }).access_token;
  const id = ((await (await s.fetch('/api/auth/me', { token })).json()) as { id: string }).id;
  return { token, id, principal: { kind: 'user', id, userId: id, ownerId: id, name: username, scopes: new Set([...USER_SCOPES, ...ACCOUNT_SCOPES]), credentials: [] } };
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const runStatus = (user: Principal, id: string) => runs.getRun(s.services, user, { id }).then((r) => r.status);

async function trpcGet(token: string): Promise<{ status: number; body: { result?: { data: overview.Overview }; error?: { message: string } } }> {
  const res = await s.fetch('/api/trpc/overview.get', { token });
  return { status: res.status, body: (await res.json()) as never };
}

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1', MAX_ACTIVE_WORK_PER_OWNER: '10', DAILY_TOKEN_QUOTA: 'scripted:1000000' });
  alice = await register('alice');
  bob = await register('bob');

  const create = (user: Principal, prompt: string) => runs.createRun(s.services, user, { workspacePath: '.', prompt, model: MODEL, profile: 'default', origin: 'test' }).then((r) => r.id);
  ids.aliceParked = await create(alice.principal, '::tool bash {"command":"echo parked"}');
  ids.aliceFailed = await create(alice.principal, '::fail the backend broke');
  ids.aliceDone = await create(alice.principal, '::usage 1200 300\n::say counted');
  ids.bobParked = await create(bob.principal, '::tool bash {"command":"echo bob"}');
  const session = await sessions.createSession(s.services, alice.principal, { workspacePath: '.', model: MODEL, profile: 'default', title: 'alice chat', origin: 'test' });
  ids.aliceSession = session.id;
  await sessions.postMessage(s.services, alice.principal, { sessionId: session.id, role: 'user', parts: [{ type: 'text', text: '::tool bash {"command":"echo from the session"}' }] });

  await waitFor(async () => (await runStatus(alice.principal, ids.aliceParked)) === 'waiting_approval', 'alice parked run');
  await waitFor(async () => (await runStatus(alice.principal, ids.aliceFailed)) === 'failed', 'alice failed run');
  await waitFor(async () => (await runStatus(alice.principal, ids.aliceDone)) === 'succeeded', 'alice finished run');
  await waitFor(async () => (await runStatus(bob.principal, ids.bobParked)) === 'waiting_approval', 'bob parked run');
  await waitFor(async () => (await sessions.getSession(s.services, alice.principal, { id: session.id })).status === 'waiting_approval', 'alice session parked');
}, 60_000);
afterAll(() => s?.close());

describe('overview.get', () => {
  it("shows a user their own approvals, active work, failures and today's usage, and nothing of another owner's", async () => {
    const view = await overview.getOverview(s.services, alice.principal, {});
    expect(view.scope).toBe('own');

    expect(view.approvals.pending).toBe(2);
    expect(view.approvals.items.map((a) => a.run_id ?? a.session_id).sort()).toEqual([ids.aliceParked, ids.aliceSession].sort());
    // Oldest first: the run asked before the session did.
    expect(view.approvals.items[0]!.run_id).toBe(ids.aliceParked);
    expect(view.approvals.items.map((a) => a.summary).join(' ')).toContain('echo parked');

    expect(view.runs).toMatchObject({ active: 1, waiting_approval: 1, running: 0, queued: 0 });
    expect(view.runs!.items.map((r) => r.id)).toEqual([ids.aliceParked]);
    expect(view.sessions!.active).toBe(1);
    expect(view.sessions!.items[0]).toMatchObject({ id: ids.aliceSession, title: 'alice chat', status: 'waiting_approval', turn_status: 'waiting_approval' });

    expect(view.failures).toHaveLength(1);
    expect(view.failures[0]).toMatchObject({ kind: 'run', id: ids.aliceFailed, parent_id: ids.aliceFailed });
    expect(view.failures[0]!.error).toContain('the backend broke');

    expect(view.usage_today!.input_tokens).toBeGreaterThanOrEqual(1200);
    expect(view.usage_today!.output_tokens).toBeGreaterThanOrEqual(300);
    expect(view.usage_today!.by_provider.map((p) => p.provider)).toEqual(['scripted']);
    expect(view.usage_today!.quotas).toEqual([{ provider: 'scripted', limit: 1_000_000, used: expect.any(Number) }]);
    expect(view.usage_today!.quotas[0]!.used).toBeGreaterThanOrEqual(1500);

    expect(view.backends).toContainEqual(expect.objectContaining({ provider: 'scripted', kind: 'api', availability: 'available' }));
    expect(view.emergency).toMatchObject({ active: false });

    const text = JSON.stringify(view);
    expect(text).not.toContain(ids.bobParked);
    expect(text).not.toContain(bob.id);
  });

  it("counts the other owner's work apart: bob sees only his, the admin sees everyone's", async () => {
    const bobs = await overview.getOverview(s.services, bob.principal, {});
    expect(bobs.approvals.pending).toBe(1);
    expect(bobs.approvals.items[0]!.run_id).toBe(ids.bobParked);
    expect(bobs.runs).toMatchObject({ active: 1, waiting_approval: 1 });
    expect(bobs.sessions!.active).toBe(0);
    expect(bobs.failures).toEqual([]);
    expect(JSON.stringify(bobs)).not.toContain(alice.id);

    const all = await overview.getOverview(s.services, admin, {});
    expect(all.scope).toBe('all');
    expect(all.approvals.pending).toBe(3);
    expect(all.runs!.active).toBe(2);
    expect(all.runs!.items.map((r) => r.id).sort()).toEqual([ids.aliceParked, ids.bobParked].sort());
    expect(all.sessions!.active).toBe(1);
    expect(all.failures.map((f) => f.id)).toContain(ids.aliceFailed);
  });

  it('gives the stream position to follow: a change made after the read is on the global stream after it', async () => {
    const view = await overview.getOverview(s.services, alice.principal, {});
    expect(view.stream_position).toMatch(/^\d+$/);
    const later = await runs.createRun(s.services, alice.principal, { workspacePath: '.', prompt: '::say later', model: MODEL, origin: 'test' });
    const after = await waitFor(async () => {
      const page = await readGlobal(s.services.db, Number(view.stream_position), 500);
      return page.events.some((e) => e.streamId === `run:${later.id}`) && page.events;
    }, 'the new run on the global stream');
    expect(after.every((e) => e.globalPos > Number(view.stream_position))).toBe(true);
    await waitFor(async () => (await runStatus(alice.principal, later.id)) === 'succeeded', 'the later run');
  });

  it('over tRPC: needs runs:read or sessions:read, and leaves out the parts a key may not read', async () => {
    expect((await trpcGet('')).status).toBe(401);
    const none = await apiKeys.createApiKey(s.services, alice.principal, { name: 'no scope', scopes: [] });
    const refused = await trpcGet(none.key);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toBe('missing scope: runs:read or sessions:read');

    const sessionsOnly = await apiKeys.createApiKey(s.services, alice.principal, { name: 'sessions only', scopes: ['sessions:read'] });
    const narrow = await trpcGet(sessionsOnly.key);
    expect(narrow.status).toBe(200);
    const data = narrow.body.result!.data;
    expect(data.runs).toBeNull();
    expect(data.backends).toBeNull();
    expect(data.usage_today).toBeNull();
    expect(data.sessions!.active).toBe(1);
    expect(data.failures.every((f) => f.kind === 'turn')).toBe(true);

    const full = await trpcGet(alice.token);
    expect(full.status).toBe(200);
    expect(full.body.result!.data.approvals.pending).toBe(2);
  });

  it('reports the emergency stop while it is on', async () => {
    await emergency.activateEmergencyStop(s.services, admin, { reason: 'overview test' });
    try {
      const view = await overview.getOverview(s.services, alice.principal, {});
      expect(view.emergency).toMatchObject({ active: true, reason: 'overview test' });
      // The stop cancelled every active run: nothing is active any more.
      await waitFor(async () => (await overview.getOverview(s.services, admin, {})).runs!.active === 0, 'the stop to cancel the runs');
    } finally {
      await emergency.resumeFromEmergencyStop(s.services, admin, {});
    }
    expect((await overview.getOverview(s.services, alice.principal, {})).emergency.active).toBe(false);
  });
});
