import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
});
afterAll(() => s.close());

function expectEnvelope(body: Record<string, unknown>, status: number) {
  expect(body).toMatchObject({ statusCode: status, status });
  expect(typeof body.error).toBe('string');
  expect(body.detail).toBe(body.error);
  expect(body.code).toMatch(/^[A-Z_]+$/);
}

describe('admin API keys (Aegis)', () => {
  it('GET /v1/auth/keys without credentials is 401 with the envelope', async () => {
    const res = await s.fetch('/v1/auth/keys');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expectEnvelope(await res.json(), 401);
  });

  it('POST /v1/auth/keys creates a key shown once; a sessions:read key is 403 on admin routes and 401 once deleted', async () => {
    const created = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'ci-bot', scopes: ['sessions:read'] } });
    expect(created.status).toBe(201);
    const key = await created.json();
    expect(key).toMatchObject({ name: 'ci-bot', scopes: ['sessions:read'] });
    expect(key.key).toMatch(/^sb_/);
    expect(typeof key.createdAt).toBe('number');

    const listed = await (await s.fetch('/v1/auth/keys', { token: s.adminToken })).json();
    const entry = listed.keys.find((k: { id: string }) => k.id === key.id);
    expect(entry).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(key.key);

    const refused = await s.fetch('/v1/auth/keys', { headers: { 'x-api-key': key.key } });
    expect(refused.status).toBe(403);
    const refusedBody = await refused.json();
    expectEnvelope(refusedBody, 403);
    expect(refusedBody.error).toContain('missing scope: keys:write');

    // Every documented credential style reaches the same principal.
    const styles: Array<Record<string, string>> = [{ authorization: `Bearer ${key.key}` }, { authorization: `ApiKey ${key.key}` }, { authorization: key.key }, { "x-api-key": key.key }];
    for (const headers of styles) {
      const me = await s.fetch('/api/auth/me', { headers });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ kind: 'api_key', scopes: ['sessions:read'] });
    }

    const deleted = await s.fetch(`/v1/auth/keys/${key.id}`, { method: 'DELETE', token: s.adminToken });
    expect(deleted.status).toBe(200);
    const after = await s.fetch('/api/auth/me', { headers: { 'x-api-key': key.key } });
    expect(after.status).toBe(401);
    expect((await s.fetch(`/v1/auth/keys/${key.id}`, { method: 'DELETE', token: s.adminToken })).status).toBe(404);
  });

  it('POST /v1/auth/keys names the wrong field and stores nothing', async () => {
    const before = (await (await s.fetch('/v1/auth/keys', { token: s.adminToken })).json()).keys.length;
    const missing = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: {} });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toContain('name');
    const badScope = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'x', scopes: ['root'] } });
    expect(badScope.status).toBe(400);
    expect((await badScope.json()).error).toContain('scopes');
    const malformed = await s.fetch('/v1/auth/keys', {
      method: 'POST',
      token: s.adminToken,
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expectEnvelope(await malformed.json(), 400);
    const after = (await (await s.fetch('/v1/auth/keys', { token: s.adminToken })).json()).keys.length;
    expect(after).toBe(before);
  });

  it('a query-string token is refused on a REST route', async () => {
    const res = await s.fetch(`/v1/auth/keys?access_token=${s.adminToken}`);
    expect(res.status).toBe(401);
  });
});

describe('users (Autopack and Everruns)', () => {
  const email = 'dana@example.com';
  const password = 'correct horse battery';

  it('POST /api/auth/register then POST /api/auth/login then GET /api/auth/me', async () => {
    const reg = await s.fetch('/api/auth/register', { method: 'POST', json: { email, password, username: 'dana' } });
    expect(reg.status).toBe(201);
    const registered = await reg.json();
    expect(registered).toMatchObject({ email, username: 'dana', token_type: 'bearer' });
    expect(registered.scopes).not.toContain('admin');
    expect(reg.headers.get('set-cookie')).toMatch(/access_token=.*HttpOnly/);

    const login = await s.fetch('/api/auth/login', { method: 'POST', json: { email, password } });
    expect(login.status).toBe(200);
    const token = await login.json();
    expect(token).toMatchObject({ token_type: 'bearer', user: { email } });
    expect(token.expires_in).toBeGreaterThan(0);

    const me = await s.fetch('/api/auth/me', { token: token.access_token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ kind: 'user', email, username: 'dana', is_superuser: false });

    // FastAPI's OAuth2 password form, as Autopack clients send it.
    const form = await s.fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'dana', password }).toString(),
    });
    expect(form.status).toBe(200);

    // The session cookie works as a credential too.
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await s.fetch('/api/auth/me', { headers: { cookie } })).status).toBe(200);

    const out = await s.fetch('/api/auth/logout', { method: 'POST', token: token.access_token });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await s.fetch('/api/auth/me', { token: token.access_token })).status).toBe(401);
  });

  it('POST /api/auth/login with a wrong password is 401', async () => {
    const res = await s.fetch('/api/auth/login', { method: 'POST', json: { email, password: 'not the password' } });
    expect(res.status).toBe(401);
    expectEnvelope(await res.json(), 401);
    const unknown = await s.fetch('/api/auth/login', { method: 'POST', json: { email: 'nobody@example.com', password } });
    expect(unknown.status).toBe(401);
  });

  it('POST /api/auth/register refuses a duplicate (409) and a short password (400 naming it)', async () => {
    expect((await s.fetch('/api/auth/register', { method: 'POST', json: { email, password } })).status).toBe(409);
    const short = await s.fetch('/api/auth/register', { method: 'POST', json: { email: 'short@example.com', password: 'short' } });
    expect(short.status).toBe(400);
    expect((await short.json()).error).toContain('password');
  });

  it('GET|POST /api/auth/api-keys and DELETE /api/auth/api-keys/{key_id} manage only the caller\'s keys', async () => {
    const token = (await (await s.fetch('/api/auth/login', { method: 'POST', json: { email, password } })).json()).access_token;
    const created = await s.fetch('/api/auth/api-keys', { method: 'POST', token, json: { name: 'laptop' } });
    expect(created.status).toBe(201);
    const key = await created.json();
    expect(key.key).toMatch(/^evr_/);
    expect(key.scopes).not.toContain('admin');

    // Everruns clients send the bare key in Authorization.
    expect((await s.fetch('/api/auth/me', { headers: { authorization: key.key } })).status).toBe(200);

    const list = await (await s.fetch('/api/auth/api-keys', { token })).json();
    expect(list.data.map((k: { id: string }) => k.id)).toContain(key.id);
    expect(JSON.stringify(list)).not.toContain(key.key);

    // Someone else's key id is invisible to this user.
    const adminKey = await (await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'server' } })).json();
    expect((await s.fetch(`/api/auth/api-keys/${adminKey.id}`, { method: 'DELETE', token })).status).toBe(404);

    const gone = await s.fetch(`/api/auth/api-keys/${key.id}`, { method: 'DELETE', token });
    expect(gone.status).toBe(204);
    expect((await s.fetch('/api/auth/me', { headers: { authorization: key.key } })).status).toBe(401);
  });

  it('a user cannot grant a key more than they hold', async () => {
    const token = (await (await s.fetch('/api/auth/login', { method: 'POST', json: { email, password } })).json()).access_token;
    const res = await s.fetch('/api/auth/api-keys', { method: 'POST', token, json: { name: 'escalate', scopes: ['admin'] } });
    expect(res.status).toBe(403);
  });

  it('POST /api/auth/logout with no body and no content type answers 200', async () => {
    const res = await fetch(`${s.url}/api/auth/logout`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('GET /api/auth/config lists the enabled sign-in methods', async () => {
    const res = await s.fetch('/api/auth/config');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ mode: 'full', password_auth_enabled: true, oauth_providers: [], signup_enabled: true });
  });

  it('GET /api/auth/oauth/{provider} for a provider that is not configured is 404', async () => {
    const res = await s.fetch('/api/auth/oauth/github', { redirect: 'manual' });
    expect(res.status).toBe(404);
  });
});

describe('GET /api/auth/me with an API key describes the key\u2019s owner', () => {
  const KEY_SCOPES = ['runs:read', 'sessions:read'];
  let owner: Record<string, unknown>;
  let key: string;

  beforeAll(async () => {
    const reg = await s.fetch('/api/auth/register', {
      method: 'POST',
      json: { email: 'kim@example.com', password: 'a long enough password', username: 'kim', name: 'Kim Lee' },
    });
    expect(reg.status).toBe(201);
    const registered = await reg.json();
    owner = { id: registered.id, email: 'kim@example.com', name: 'Kim Lee', username: 'kim', role: 'user', created_at: registered.created_at };
    const created = await s.fetch('/api/auth/api-keys', { method: 'POST', token: registered.access_token, json: { name: 'ci', scopes: KEY_SCOPES } });
    expect(created.status).toBe(201);
    key = (await created.json()).key;
  });

  const headerStyles: Array<[string, () => Record<string, string>]> = [
    ['Authorization: ApiKey <key>', () => ({ authorization: `ApiKey ${key}` })],
    ['Authorization: Bearer <key>', () => ({ authorization: `Bearer ${key}` })],
    ['Authorization: <key>', () => ({ authorization: key })],
    ['X-API-Key: <key>', () => ({ 'x-api-key': key })],
  ];

  it.each(headerStyles)('GET /api/auth/me with %s: the owner, with the key\u2019s scopes', async (_style, headers) => {
    const res = await s.fetch('/api/auth/me', { headers: headers() });
    expect(res.status).toBe(200);
    const me = await res.json();
    expect(me).toMatchObject({ ...owner, kind: 'api_key', is_superuser: false });
    expect([...me.scopes].sort()).toEqual(KEY_SCOPES);
  });

  it.each(['/everruns/api/auth/me', '/autopack/api/auth/me'])('GET %s describes the owner too', async (path) => {
    const res = await s.fetch(path, { headers: { authorization: `ApiKey ${key}` } });
    expect(res.status).toBe(200);
    const me = await res.json();
    expect(me).toMatchObject({ ...owner, kind: 'api_key' });
    expect([...me.scopes].sort()).toEqual(KEY_SCOPES);
  });

  it('tRPC auth.me describes the owner', async () => {
    const res = await s.fetch('/api/trpc/auth.me', { headers: { 'x-api-key': key } });
    expect(res.status).toBe(200);
    const me = (await res.json()).result.data;
    expect(me).toMatchObject({ ...owner, kind: 'api_key' });
    expect([...me.scopes].sort()).toEqual(KEY_SCOPES);
  });

  it('GET /api/auth/me with a key the admin created describes the admin, with the key\u2019s scopes', async () => {
    const created = await (await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'server-bot', scopes: ['sessions:read'] } })).json();
    const res = await s.fetch('/api/auth/me', { headers: { authorization: `ApiKey ${created.key}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'admin', kind: 'api_key', role: 'admin', email: null, scopes: ['sessions:read'] });
  });
});
