/**
 * Who may do what, beyond the authorization matrix: admin-only policies, each owner's own
 * workspace root, the per-owner cap on active work, usage per owner, and the actor recorded on
 * approvals, cancels and emergency stops.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPrincipal, type Principal } from '@/server/auth/principal';
import { USER_SCOPES } from '@/server/auth/scopes';
import * as approvals from '@/server/core/approvals';
import * as emergency from '@/server/core/emergency';
import { readEvents } from '@/server/core/events/read-events';
import { EMERGENCY_STREAM, runStream } from '@/server/core/events/streams';
import * as runs from '@/server/core/runs';
import { AppError } from '@/server/core/shared/errors';
import * as sessions from '@/server/core/sessions';
import * as usage from '@/server/core/usage';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
let adminWorkspace: string;
const admin = adminPrincipal();
const alice = { token: '', id: '', principal: undefined as unknown as Principal };
const bob = { token: '', id: '', principal: undefined as unknown as Principal };

async function register(username: string, into: typeof alice) {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${username}@example.com`, password: 'correct horse battery', username } });
  expect(res.status).toBe(201);
  into.token = ((await res.json()) as { access_token: string }).access_token;
  into.id = ((await (await s.fetch('/api/auth/me', { token: into.token })).json()) as { id: string }).id;
  into.principal = { kind: 'user', id: into.id, userId: into.id, ownerId: into.id, name: username, scopes: new Set(USER_SCOPES), credentials: [] };
}

async function appErrorOf(call: () => Promise<unknown>): Promise<AppError> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

async function waitUntil<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1', MAX_ACTIVE_WORK_PER_OWNER: '1' });
  adminWorkspace = path.join(s.dataDir, 'workspaces', 'admin-only');
  fs.mkdirSync(adminWorkspace, { recursive: true });
  await register('alice', alice);
  await register('bob', bob);
}, 60_000);
afterAll(() => s?.close());

describe('policies that skip the human or the sandbox', () => {
  it('runs.create and sessions.create refuse the trusted profile, or a policy allowing bash outright, to a user (403) and grant them to the admin', async () => {
    const res = await s.fetch('/api/trpc/runs.create', { method: 'POST', token: alice.token, json: { workspacePath: '.', prompt: '::tool bash {"command":"id"}', profile: 'trusted' } });
    expect(res.status).toBe(403);
    expect(JSON.stringify(await res.json())).toContain('reserved to the admin');
    const policy = { read: 'allow', write: 'allow', bash: 'allow' } as const;
    expect(await appErrorOf(() => sessions.createSession(s.services, alice.principal, { workspacePath: '.', policy, origin: 'test' }))).toMatchObject({ kind: 'FORBIDDEN' });
    expect(await appErrorOf(() => runs.createRun(s.services, alice.principal, { workspacePath: '.', prompt: 'x', policy: { ...policy, bash: 'ask', onTimeout: 'approve' }, origin: 'test' }))).toMatchObject({
      kind: 'FORBIDDEN',
    });
    const session = await sessions.createSession(s.services, admin, { workspacePath: adminWorkspace, profile: 'trusted', origin: 'test' });
    expect(session.policy).toMatchObject({ profile: 'trusted' });
  });
});

describe('workspaces', () => {
  it('GET /api/auth/me reports each principal\u2019s workspace roots; a user\u2019s is created on first use', async () => {
    const me = (await (await s.fetch('/api/auth/me', { token: alice.token })).json()) as { workspace_roots: string[] };
    const root = path.join(s.services.env.workspaceRoots[0]!, 'users', alice.id);
    expect(me.workspace_roots).toEqual([root]);
    const adminMe = (await (await s.fetch('/api/auth/me', { token: s.adminToken })).json()) as { workspace_roots: string[] };
    expect(adminMe.workspace_roots).toEqual(s.services.env.workspaceRoots);
    const session = await sessions.createSession(s.services, alice.principal, { workspacePath: '.', origin: 'test' });
    expect(session.workspace_path).toBe(fs.realpathSync(root));
  });

  it('POST /v1/sessions answers a user the same 400 for a path outside its root, a missing one and one that escapes with ..', async () => {
    fs.mkdirSync(path.join(s.services.env.workspaceRoots[0]!, 'users', bob.id, 'project'), { recursive: true });
    const answers = [];
    for (const workspace_path of [adminWorkspace, path.join(adminWorkspace, 'missing'), '/etc', `../${bob.id}/project`, 'missing-here']) {
      const res = await s.fetch('/v1/sessions', { method: 'POST', token: alice.token, json: { workspace_path } });
      answers.push([res.status, ((await res.json()) as { error: string }).error]);
    }
    expect(answers).toEqual(Array(5).fill([400, 'workspace_path: not an allowed workspace']));
  });
});

describe('MAX_ACTIVE_WORK_PER_OWNER', () => {
  it('POST /v1/runs beyond the cap is 429 with Retry-After; the admin and other owners are not held back', async () => {
    const first = await s.fetch('/v1/runs', { method: 'POST', token: alice.token, json: { workspace_path: '.', prompt: '::sleep 5000' } });
    expect(first.status).toBe(200);
    const second = await s.fetch('/v1/runs', { method: 'POST', token: alice.token, json: { workspace_path: '.', prompt: '::say hi' } });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('5');
    expect(await second.json()).toMatchObject({ code: 'ACTIVE_WORK_LIMIT', statusCode: 429 });
    const bobs = await s.fetch('/v1/runs', { method: 'POST', token: bob.token, json: { workspace_path: '.', prompt: '::say hi' } });
    expect(bobs.status).toBe(200);
    const admins = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: adminWorkspace, prompt: '::sleep 5000' } });
    expect(admins.status).toBe(200);
    for (const res of [first, admins]) {
      const { run_id } = (await res.json()) as { run_id: string };
      await runs.cancelRun(s.services, admin, { id: run_id });
    }
  });
});

describe('who did it', () => {
  it('approval_granted and run_cancel_requested name the actor; usage is summed per owner', async () => {
    const run = await runs.createRun(s.services, alice.principal, { workspacePath: '.', prompt: '::tool bash {"command":"echo hi"}\n::sleep 5000', origin: 'test' });
    const pending = await waitUntil(async () => (await approvals.listApprovals(s.services, alice.principal, { runId: run.id }))[0]);
    expect(await approvals.listApprovals(s.services, bob.principal, { runId: run.id })).toEqual([]);
    await approvals.decideApproval(s.services, alice.principal, { approvalId: pending.id, approve: true });
    await runs.cancelRun(s.services, alice.principal, { id: run.id });
    const events = await readEvents(s.services.db, runStream(run.id), 1, 1000);
    const actor = { kind: 'user', id: alice.id, owner_id: alice.id };
    expect(events.find((e) => e.type === 'approval_granted')?.data).toMatchObject({ actor });
    expect(events.find((e) => e.type === 'run_cancel_requested')?.data).toMatchObject({ actor });

    const window = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) };
    const alicesUsage = await usage.usageSummary(s.services, alice.principal, window);
    expect(alicesUsage.totals.calls).toBeGreaterThan(0);
    const bobsCalls = (await usage.usageSummary(s.services, bob.principal, window)).totals.calls;
    const everyone = await usage.usageSummary(s.services, admin, window);
    expect(everyone.totals.calls).toBeGreaterThanOrEqual(alicesUsage.totals.calls + bobsCalls);
    expect((await usage.usageSummary(s.services, admin, { ...window, ownerId: alice.id })).totals).toEqual(alicesUsage.totals);
    // Bob asking for Alice's usage still gets only his own.
    expect((await usage.usageSummary(s.services, bob.principal, { ...window, ownerId: alice.id })).totals.calls).toBe(bobsCalls);
  });

  it('the emergency stop and its release record the actor (only the admin sees them)', async () => {
    await emergency.activateEmergencyStop(s.services, admin, { reason: 'drill' });
    await emergency.resumeFromEmergencyStop(s.services, admin, {});
    const events = await readEvents(s.services.db, EMERGENCY_STREAM, 1, 100);
    expect(events.map((e) => [e.type, e.data.actor])).toEqual([
      ['emergency_stop_activated', { kind: 'admin', id: 'admin', owner_id: 'admin' }],
      ['emergency_stop_released', { kind: 'admin', id: 'admin', owner_id: 'admin' }],
    ]);
  });
});
