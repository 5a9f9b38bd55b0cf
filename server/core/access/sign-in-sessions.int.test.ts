/**
 * Signed-in sessions on the Access page: each owner lists only their own (the admin everyone's),
 * another owner's session cannot be revoked (404), and a revoked session's token opens nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPrincipal } from '@/server/auth/principal';
import * as audit from '@/server/core/audit';
import { openTokenSession } from '@/server/core/users';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;

async function register(name: string): Promise<string> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${name}@example.com`, password: 'correct horse battery', username: name } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function logIn(name: string): Promise<string> {
  const res = await s.fetch('/api/auth/login', { method: 'POST', json: { email: `${name}@example.com`, password: 'correct horse battery' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

interface SessionRow {
  id: string;
  kind: 'user' | 'token';
  owner_name: string | null;
  method: string;
  current: boolean;
}

async function trpc<T>(procedure: string, token: string, input?: unknown): Promise<{ status: number; data?: T; code?: string }> {
  const res =
    input === undefined
      ? await s.fetch(`/api/trpc/${procedure}`, { token })
      : await s.fetch(`/api/trpc/${procedure}`, { method: 'POST', token, json: input });
  const body = (await res.json()) as { result?: { data: T }; error?: { data?: { code?: string } } };
  return { status: res.status, data: body.result?.data, code: body.error?.data?.code };
}

const sessionsOf = async (token: string) => (await trpc<SessionRow[]>('access.sessions', token)).data!;

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
}, 60_000);
afterAll(() => s.close());

describe('access.sessions / access.revokeSession', () => {
  it('lists each owner’s own sessions, marks the current one, and the admin sees everyone’s', async () => {
    const carol = await register('carol');
    const dave = await register('dave');
    const carolSessions = await sessionsOf(carol);
    expect(carolSessions).toHaveLength(1);
    expect(carolSessions[0]).toMatchObject({ kind: 'user', owner_name: 'carol', current: true });
    const daveSessions = await sessionsOf(dave);
    expect(daveSessions.map((x) => x.id)).not.toContain(carolSessions[0]!.id);

    const everyone = await sessionsOf(s.adminToken);
    expect(everyone.map((x) => x.id)).toEqual(expect.arrayContaining([carolSessions[0]!.id, daveSessions[0]!.id]));
  });

  it('another owner’s session is not found, and a revoked session’s token answers 401 on its next request', async () => {
    const erin = await register('erin');
    const frank = await register('frank');
    const second = await logIn('erin');
    const erinSessions = await sessionsOf(erin);
    expect(erinSessions).toHaveLength(2);
    const other = erinSessions.find((x) => !x.current)!;

    const byFrank = await trpc('access.revokeSession', frank, { kind: 'user', id: other.id });
    expect(byFrank).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await s.fetch('/api/auth/me', { token: second })).status).toBe(200);

    const revoked = await trpc<{ id: string }>('access.revokeSession', erin, { kind: 'user', id: other.id });
    expect(revoked).toMatchObject({ status: 200, data: { id: other.id } });
    expect((await s.fetch('/api/auth/me', { token: second })).status).toBe(401);
    expect((await s.fetch('/api/auth/me', { token: erin })).status).toBe(200);
    expect((await sessionsOf(erin)).map((x) => x.id)).not.toContain(other.id);

    const trail = await audit.listAudit(s.services, adminPrincipal(), { action: 'session.revoked' });
    expect(trail.map((e) => e.target_id)).toContain(other.id);
  });

  it('the admin sees and revokes a dashboard signed in with the admin token', async () => {
    const opened = await openTokenSession(s.services, adminPrincipal(), 'dashboard', 600);
    expect((await s.fetch('/api/auth/me', { token: opened.token })).status).toBe(200);
    const listed = (await sessionsOf(s.adminToken)).find((x) => x.id === opened.id);
    expect(listed).toMatchObject({ kind: 'token', method: 'admin token', current: false });

    const grace = await register('grace');
    expect(await trpc('access.revokeSession', grace, { kind: 'token', id: opened.id })).toMatchObject({ status: 404 });
    expect(await trpc('access.revokeSession', s.adminToken, { kind: 'token', id: opened.id })).toMatchObject({ status: 200 });
    expect((await s.fetch('/api/auth/me', { token: opened.token })).status).toBe(401);
  });
});

describe('audit.list filters', () => {
  it('by action and by actor, each owner seeing only their own history', async () => {
    const hank = await register('hank');
    const created = await trpc<{ id: string }>('apiKeys.create', hank, { name: 'hank key', scopes: ['runs:read'] });
    expect(created.status).toBe(200);
    const query = (input: unknown, token: string) =>
      s.fetch(`/api/trpc/audit.list?input=${encodeURIComponent(JSON.stringify(input))}`, { token }).then(async (r) => ((await r.json()) as { result: { data: { action: string; principal_id: string; target_id: string | null }[] } }).result.data);
    const keysCreated = await query({ action: 'key.created' }, hank);
    expect(keysCreated.map((e) => e.target_id)).toEqual([created.data!.id]);
    expect(keysCreated.every((e) => e.action === 'key.created')).toBe(true);
    const me = ((await (await s.fetch('/api/auth/me', { token: hank })).json()) as { id: string }).id;
    const byHank = await query({ actor: me }, hank);
    expect(byHank.length).toBeGreaterThan(0);
    expect(byHank.every((e) => e.principal_id === me)).toBe(true);
    // The admin's filter by hank finds the same entries; another user's finds none of them.
    expect((await query({ actor: me }, s.adminToken)).map((e) => e.target_id)).toEqual(byHank.map((e) => e.target_id));
    const ivy = await register('ivy');
    expect(await query({ actor: me }, ivy)).toEqual([]);
  });
});
