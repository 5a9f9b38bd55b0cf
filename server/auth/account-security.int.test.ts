import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, session, tokenSession } from '@/db/schema';
import { openSse } from '@/server/testing/sse-client';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let closed: TestServer;
let s: TestServer;
let workspace: string;

beforeAll(async () => {
  closed = await startTestServer();
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
  workspace = path.join(s.dataDir, 'workspaces', 'security');
  fs.mkdirSync(workspace, { recursive: true });
}, 180_000);
afterAll(() => Promise.all([closed?.close(), s?.close()]));

function expectEnvelope(body: Record<string, unknown>, status: number) {
  expect(body).toMatchObject({ statusCode: status, status });
  expect(typeof body.error).toBe('string');
  expect(body.code).toMatch(/^[A-Z_]+$/);
}

async function trpc<T>(procedure: string, init: { input?: unknown; token?: string; cookie?: string; query?: boolean } = {}) {
  // A browser sends its own origin with a cookie-authenticated request; the server requires it.
  const headers: Record<string, string> = init.cookie ? { cookie: init.cookie, origin: s.url } : {};
  // A mutation without input goes as the tRPC client sends it: a batch of one with no input.
  const batch = !init.query && init.input === undefined;
  const res = init.query
    ? await s.fetch(`/api/trpc/${procedure}`, { token: init.token, headers })
    : await s.fetch(`/api/trpc/${procedure}${batch ? '?batch=1' : ''}`, { method: 'POST', token: init.token, headers, json: batch ? {} : init.input });
  const raw = await res.json();
  const body = (batch ? raw[0] : raw) as { result?: { data: T }; error?: unknown };
  return { status: res.status, data: body.result?.data as T, error: body.error, headers: res.headers };
}

async function register(name: string) {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${name}@example.com`, password: 'correct horse battery', username: name } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; access_token: string };
}

async function adminKey(name: string, body: Record<string, unknown>) {
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name, ...body } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string; expiresAt: number | null };
}

/** Every file under a directory, read as bytes (the embedded database's files included). */
function filesUnder(dir: string): Buffer[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => fs.readFileSync(path.join(e.parentPath, e.name)));
}

describe('sign-up is closed by default', () => {
  it.each(['/api/auth/register', '/autopack/api/auth/register', '/everruns/api/auth/register'])('POST %s is 403 with the envelope', async (route) => {
    const res = await closed.fetch(route, { method: 'POST', json: { email: 'eve@example.com', password: 'correct horse battery' } });
    expect(res.status).toBe(403);
    expectEnvelope(await res.json(), 403);
  });

  it('GET /api/auth/config says sign-up is off', async () => {
    expect((await (await closed.fetch('/api/auth/config')).json()).signup_enabled).toBe(false);
  });

  it('with SIGNUP_ENABLED=1 a new user gets the workload scopes and may manage their own keys, never admin', async () => {
    const user = await register('wendy');
    const me = await (await s.fetch('/api/auth/me', { token: user.access_token })).json();
    expect([...me.scopes].sort()).toEqual(['backends:read', 'devices:read', 'devices:write', 'keys:write', 'pair:start', 'runs:cancel', 'runs:read', 'runs:submit', 'sessions:read', 'sessions:write']);
  });
});

describe('who may manage API keys', () => {
  it('a sessions:read key cannot list, create or delete keys on any surface', async () => {
    const narrow = await adminKey('narrow', { scopes: ['sessions:read'] });
    const full = await adminKey('full', { scopes: ['sessions:read', 'sessions:write'] });
    const auth = { 'x-api-key': narrow.key };
    const attempts = [
      s.fetch('/v1/auth/keys', { headers: auth }),
      s.fetch('/v1/auth/keys', { method: 'POST', headers: auth, json: { name: 'copy' } }),
      s.fetch(`/v1/auth/keys/${full.id}`, { method: 'DELETE', headers: auth }),
      s.fetch('/api/auth/api-keys', { headers: auth }),
      s.fetch('/api/auth/api-keys', { method: 'POST', headers: auth, json: { name: 'copy' } }),
      s.fetch(`/api/auth/api-keys/${full.id}`, { method: 'DELETE', headers: auth }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      const body = await res.json();
      expectEnvelope(body, 403);
      expect(body.error).toContain('keys:write');
    }
    expect((await trpc('apiKeys.list', { token: narrow.key, query: true })).status).toBe(403);
    expect((await trpc('apiKeys.revoke', { token: narrow.key, input: { id: full.id } })).status).toBe(403);
    // The full key is still there.
    expect((await s.fetch('/api/auth/me', { headers: { 'x-api-key': full.key } })).status).toBe(200);
  });

  it('POST /v1/auth/keys with a keys:write key mints keys no broader and no longer-lived than itself', async () => {
    const in10Days = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const minter = await adminKey('minter', { scopes: ['keys:write', 'sessions:read'], expiresAt: in10Days });
    const auth = { 'x-api-key': minter.key };

    const child = await s.fetch('/v1/auth/keys', { method: 'POST', headers: auth, json: { name: 'child', scopes: ['sessions:read'] } });
    expect(child.status).toBe(201);
    const childKey = await child.json();
    // Without an expiry of its own, the child inherits its creator's (to the second, never later).
    expect(childKey.expiresAt).toBeLessThanOrEqual(minter.expiresAt!);
    expect(childKey.expiresAt).toBeGreaterThan(minter.expiresAt! - 5_000);

    const broader = await s.fetch('/v1/auth/keys', { method: 'POST', headers: auth, json: { name: 'broader', scopes: ['runs:submit'] } });
    expect(broader.status).toBe(403);
    expect((await broader.json()).error).toContain('runs:submit');

    const in20Days = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const longer = await s.fetch('/v1/auth/keys', { method: 'POST', headers: auth, json: { name: 'longer', scopes: ['sessions:read'], expiresAt: in20Days } });
    expect(longer.status).toBe(400);
    expect((await longer.json()).error).toContain('expiresAt');
  });

  it('POST /api/auth/api-keys with expires_at beyond 365 days or unparsable is 400 naming expires_at', async () => {
    const user = await register('ursula');
    const tooLate = new Date(Date.now() + 400 * 86_400_000).toISOString();
    for (const expires_at of [tooLate, 'next tuesday']) {
      const res = await s.fetch('/api/auth/api-keys', { method: 'POST', token: user.access_token, json: { name: 'k', expires_at } });
      expect(res.status).toBe(400);
      const body = await res.json();
      expectEnvelope(body, 400);
      expect(body.error).toContain('expires_at');
    }
    const tooLateAegis = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'k', expiresAt: tooLate } });
    expect(tooLateAegis.status).toBe(400);
    expect((await tooLateAegis.json()).error).toContain('expiresAt');
  });

  it('POST /api/auth/api-keys takes a name of up to 200 characters and answers a longer one with a 400 naming name', async () => {
    const longest = 'k'.repeat(200);
    const created = await s.fetch('/api/auth/api-keys', { method: 'POST', token: s.adminToken, json: { name: longest } });
    expect(created.status).toBe(201);
    expect((await created.json()).name).toBe(longest);
    const tooLong = await s.fetch('/api/auth/api-keys', { method: 'POST', token: s.adminToken, json: { name: `${longest}k` } });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).error).toContain('name');
  });
});

describe('secrets at rest', () => {
  it('POST /api/auth/login: the session table holds a hash, never the token, in its rows or the database files', async () => {
    await register('hana');
    const login = await (await s.fetch('/api/auth/login', { method: 'POST', json: { email: 'hana@example.com', password: 'correct horse battery' } })).json();
    const token: string = login.access_token;
    expect((await s.fetch('/api/auth/me', { token })).status).toBe(200);

    const signedIn = await trpc('auth.signInWithToken', { input: { token: s.adminToken } });
    const dashboardToken = decodeURIComponent(/access_token=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]!);

    const sessions = await s.services.db.select().from(session);
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.some((row) => row.token === token)).toBe(false);
    expect(sessions.map((row) => row.token)).toContain(s.services.secrets.hashToken(token));
    const ours = await s.services.db.select().from(tokenSession);
    expect(JSON.stringify(ours)).not.toContain(dashboardToken);
    expect(JSON.stringify(ours)).not.toContain(s.adminToken);

    // PGlite's own files (on Postgres the data directory holds only the key files).
    for (const file of filesUnder(s.dataDir)) {
      expect(file.includes(token)).toBe(false);
      expect(file.includes(dashboardToken)).toBe(false);
    }
    const keyFile = path.join(s.dataDir, 'secrets-key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  });
});

describe('dashboard token sign-in', () => {
  it('tRPC auth.signInWithToken keeps a revocable session in the cookie, never the token; auth.signOut revokes it', async () => {
    const signedIn = await trpc<{ kind: string }>('auth.signInWithToken', { input: { token: s.adminToken } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.data.kind).toBe('admin');
    const setCookie = signedIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/access_token=sbd_[^;]+; Path=\/; HttpOnly/);
    expect(setCookie).not.toContain(s.adminToken);
    const cookie = setCookie.split(';')[0]!;

    expect((await trpc<{ kind: string } | null>('auth.me', { cookie, query: true })).data?.kind).toBe('admin');
    expect((await s.fetch('/v1/auth/keys', { headers: { cookie } })).status).toBe(200);

    const out = await trpc<{ ok: boolean }>('auth.signOut', { cookie });
    expect(out.data).toEqual({ ok: true });
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await trpc('auth.me', { cookie, query: true })).data).toBeNull();
    expect((await s.fetch('/v1/auth/keys', { headers: { cookie } })).status).toBe(401);
  });

  it('POST /api/auth/logout revokes a token sign-in session too', async () => {
    const key = await adminKey('dashboard-key', { scopes: ['sessions:read'] });
    const signedIn = await trpc('auth.signInWithToken', { input: { token: key.key } });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).not.toContain(key.key);
    expect((await s.fetch('/api/auth/me', { headers: { cookie } })).status).toBe(200);
    expect((await s.fetch('/api/auth/logout', { method: 'POST', headers: { cookie, origin: s.url } })).status).toBe(200);
    expect((await s.fetch('/api/auth/me', { headers: { cookie } })).status).toBe(401);
    // The key itself is untouched.
    expect((await s.fetch('/api/auth/me', { headers: { 'x-api-key': key.key } })).status).toBe(200);
  });

  it('a token sign-in session dies with the key it was opened with', async () => {
    const key = await adminKey('short-lived', { scopes: ['sessions:read'] });
    const cookie = ((await trpc('auth.signInWithToken', { input: { token: key.key } })).headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await s.fetch('/api/auth/me', { headers: { cookie } })).status).toBe(200);
    expect((await s.fetch(`/v1/auth/keys/${key.id}`, { method: 'DELETE', token: s.adminToken })).status).toBe(200);
    expect((await s.fetch('/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('streams and revocation', () => {
  async function openSession(): Promise<string> {
    const res = await s.fetch('/v1/sessions', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace } });
    expect(res.status).toBe(200);
    return (await res.json()).session_id;
  }

  it('GET /v1/sessions/{session_id}/events opened with a key ends within a second of DELETE /v1/auth/keys/{id}', async () => {
    const sessionId = await openSession();
    const key = await adminKey('streamer', { scopes: ['sessions:read'] });
    const stream = await openSse(`${s.url}/v1/sessions/${sessionId}/events`, { 'x-api-key': key.key });
    expect(stream.status).toBe(200);
    let ended = false;
    void stream.ended.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(ended).toBe(false);

    const revokedAt = Date.now();
    expect((await s.fetch(`/v1/auth/keys/${key.id}`, { method: 'DELETE', token: s.adminToken })).status).toBe(200);
    await Promise.race([stream.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open after 1 s')), 1000))]);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it('tRPC auth.streamTicket: a short-lived ticket opens stream routes via ?access_token=, nothing else', async () => {
    const sessionId = await openSession();
    const issued = await trpc<{ ticket: string; expires_at: string }>('auth.streamTicket', { token: s.adminToken });
    expect(issued.status).toBe(200);
    const { ticket, expires_at } = issued.data;
    expect(ticket).toMatch(/^sbt_/);
    const lifetime = new Date(expires_at).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(60_000);

    const stream = await openSse(`${s.url}/v1/sessions/${sessionId}/events?access_token=${ticket}`);
    expect(stream.status).toBe(200);
    stream.close();
    // Not a credential for anything but streams.
    expect((await s.fetch('/api/auth/me', { token: ticket })).status).toBe(401);
    expect((await s.fetch('/v1/auth/keys', { token: ticket })).status).toBe(401);
    expect((await trpc('auth.signInWithToken', { input: { token: ticket } })).status).toBe(401);
    expect((await trpc('auth.streamTicket', {})).status).toBe(401);
  });

  it('a ticket issued to a key stops opening streams once the key is deleted', async () => {
    const sessionId = await openSession();
    const key = await adminKey('ticketed', { scopes: ['sessions:read'] });
    const { ticket } = (await trpc<{ ticket: string }>('auth.streamTicket', { token: key.key })).data;
    const first = await openSse(`${s.url}/v1/sessions/${sessionId}/events?access_token=${ticket}`);
    expect(first.status).toBe(200);
    await s.fetch(`/v1/auth/keys/${key.id}`, { method: 'DELETE', token: s.adminToken });
    await Promise.race([first.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open after 1 s')), 1000))]);
    const again = await fetch(`${s.url}/v1/sessions/${sessionId}/events?access_token=${ticket}`);
    expect(again.status).toBe(401);
  });
});

describe('account audit', () => {
  it('tRPC audit.list shows the admin every account action and a user only their own', async () => {
    const user = await register('audrey');
    const key = await (await s.fetch('/api/auth/api-keys', { method: 'POST', token: user.access_token, json: { name: 'audited', scopes: ['runs:read'] } })).json();
    await s.fetch(`/api/auth/api-keys/${key.id}`, { method: 'DELETE', token: user.access_token });
    await s.fetch('/api/auth/logout', { method: 'POST', token: user.access_token });
    await trpc('auth.signInWithToken', { input: { token: s.adminToken } });

    const login = await (await s.fetch('/api/auth/login', { method: 'POST', json: { email: 'audrey@example.com', password: 'correct horse battery' } })).json();
    const mine = (await trpc<Array<{ action: string; target_id: string | null; detail: Record<string, unknown> | null; principal_id: string; owner_id: string }>>('audit.list', { token: login.access_token, query: true })).data;
    const actions = mine.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.registered', 'key.created', 'key.revoked', 'auth.signed_out', 'auth.signed_in']));
    expect(mine.every((e) => e.owner_id === user.id)).toBe(true);
    expect(mine.find((e) => e.action === 'key.created')).toMatchObject({ target_id: key.id, principal_id: user.id });
    expect(mine.find((e) => e.action === 'auth.signed_in')?.detail).toEqual({ method: 'password' });

    const all = (await trpc<Array<{ action: string; principal_kind: string; detail: Record<string, unknown> | null }>>('audit.list', { token: s.adminToken, query: true })).data;
    expect(all.some((e) => e.action === 'auth.signed_in' && e.principal_kind === 'admin' && e.detail?.method === 'token')).toBe(true);
    expect(all.length).toBeGreaterThan(mine.length);
    const rows = await s.services.db.select().from(auditEvent);
    expect(JSON.stringify(rows)).not.toContain(key.key);
  });
});
