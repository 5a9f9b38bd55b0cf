/**
 * API keys are verified from a short-lived per-process cache: these check, as a client sees it,
 * that a key stops working the moment it is revoked (in this process and in another one on the same
 * Postgres), that disabling, expiry and an owner's demotion or removal are never served from the
 * cache beyond its few seconds, and that using a key is still recorded (in batches).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apikey, user } from '@/db/schema';
import { CREDENTIAL_CACHE_TTL_MS } from '@/server/auth/credential-cache';
import { keyUsageOf } from '@/server/auth/key-usage';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
});
afterAll(() => s.close());

/** Long enough for any cached answer to have lapsed, with room for a loaded machine. */
const PAST_THE_CACHE = { timeout: CREDENTIAL_CACHE_TTL_MS * 3, interval: 200 };

async function adminKey(server: TestServer, body: Record<string, unknown> = {}) {
  const res = await server.fetch('/v1/auth/keys', { method: 'POST', token: server.adminToken, json: { name: 'k', scopes: ['runs:read'], ...body } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

const me = (server: TestServer, key: string) => server.fetch('/api/auth/me', { headers: { 'x-api-key': key } });

async function scopesOf(server: TestServer, key: string): Promise<string[] | number> {
  const res = await me(server, key);
  return res.status === 200 ? ((await res.json()) as { scopes: string[] }).scopes : res.status;
}

describe('a revoked key stops working at once', () => {
  it('DELETE /v1/auth/keys/{id}: the next request with the key (just verified, so cached) is 401', async () => {
    const key = await adminKey(s);
    expect((await me(s, key.key)).status).toBe(200);
    expect((await me(s, key.key)).status).toBe(200);
    expect((await s.fetch(`/v1/auth/keys/${key.id}`, { method: 'DELETE', token: s.adminToken })).status).toBe(200);
    expect((await me(s, key.key)).status).toBe(401);
  });

  it('DELETE /api/auth/api-keys/{id} by its owner: a dashboard session opened with the key ends too', async () => {
    const owner = (await (await s.fetch('/api/auth/register', { method: 'POST', json: { email: 'kim@example.com', password: 'correct horse battery', username: 'kim' } })).json()) as { access_token: string };
    const created = await s.fetch('/api/auth/api-keys', { method: 'POST', token: owner.access_token, json: { name: 'laptop', scopes: ['runs:read', 'keys:write'] } });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string };
    const signIn = await s.fetch('/api/trpc/auth.signInWithToken', { method: 'POST', json: { token: key.key } });
    expect(signIn.status).toBe(200);
    const dashboard = /access_token=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
    expect((await s.fetch('/api/auth/me', { token: dashboard })).status).toBe(200);
    expect((await me(s, key.key)).status).toBe(200);

    expect((await s.fetch(`/api/auth/api-keys/${key.id}`, { method: 'DELETE', token: owner.access_token })).status).toBe(204);
    expect((await me(s, key.key)).status).toBe(401);
    expect((await s.fetch('/api/auth/me', { token: dashboard })).status).toBe(401);
  });

  it("better-auth's own key routes are not served: keys are managed only where revocation is announced", async () => {
    for (const route of ['/api/auth/api-key/update', '/api/auth/api-key/delete', '/api/auth/api-key/create']) {
      const res = await s.fetch(route, { method: 'POST', token: s.adminToken, json: { keyId: 'x', enabled: false } });
      expect(res.status).toBe(404);
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('on Postgres, a key deleted through one server is refused by another on the same database', async () => {
    const other = await startTestServer({}, { shareDatabaseWith: s });
    try {
      const key = await adminKey(s);
      // Both processes have verified (and cached) the key.
      expect((await me(s, key.key)).status).toBe(200);
      expect((await me(other, key.key)).status).toBe(200);
      expect((await other.fetch(`/v1/auth/keys/${key.id}`, { method: 'DELETE', token: other.adminToken })).status).toBe(200);
      expect((await me(other, key.key)).status).toBe(401);
      // The revocation reaches the first server by notification, well before its cache entry lapses.
      await expect.poll(async () => (await me(s, key.key)).status, { timeout: CREDENTIAL_CACHE_TTL_MS / 2, interval: 20 }).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('changes made without a revocation are never served beyond the cache lifetime', () => {
  it('a key disabled in the store is refused once its cache entry lapses', async () => {
    const key = await adminKey(s);
    expect((await me(s, key.key)).status).toBe(200);
    await s.services.db.update(apikey).set({ enabled: false }).where(eq(apikey.id, key.id));
    await expect.poll(async () => (await me(s, key.key)).status, PAST_THE_CACHE).toBe(401);
  });

  it('an expired key is refused from the moment it expires, cached or not', async () => {
    const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'short', scopes: ['runs:read'], expiresAt: new Date(Date.now() + 2_000).toISOString() } });
    expect(res.status).toBe(201);
    const key = (await res.json()) as { id: string; key: string };
    const [row] = await s.services.db.select({ expiresAt: apikey.expiresAt }).from(apikey).where(eq(apikey.id, key.id));
    expect((await me(s, key.key)).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, row!.expiresAt!.getTime() - Date.now()) + 10));
    expect((await me(s, key.key)).status).toBe(401);
  });

  it("a demoted owner's key shrinks to what the owner may still do, and a removed owner's key stops working", async () => {
    const owner = (await (await s.fetch('/api/auth/register', { method: 'POST', json: { email: 'dora@example.com', password: 'correct horse battery', username: 'dora' } })).json()) as {
      id: string;
      access_token: string;
    };
    await s.services.db.update(user).set({ role: 'admin' }).where(eq(user.id, owner.id));
    const created = await s.fetch('/api/auth/api-keys', { method: 'POST', token: owner.access_token, json: { name: 'ops', scopes: ['admin', 'runs:read'] } });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { key: string };
    expect(await scopesOf(s, key.key)).toEqual(expect.arrayContaining(['admin', 'runs:read']));

    await s.services.db.update(user).set({ role: 'user' }).where(eq(user.id, owner.id));
    await expect.poll(() => scopesOf(s, key.key), PAST_THE_CACHE).toEqual(['runs:read']);

    await s.services.db.delete(user).where(eq(user.id, owner.id));
    await expect.poll(() => scopesOf(s, key.key), PAST_THE_CACHE).toBe(401);
  });
});

describe('key usage', () => {
  it('GET /v1/auth/keys shows how often and when a key was last used, written in one batch', async () => {
    const key = await adminKey(s);
    const before = Date.now();
    for (let i = 0; i < 3; i++) expect((await me(s, key.key)).status).toBe(200);
    await keyUsageOf(s.services.db).flush();
    const [row] = await s.services.db.select({ count: apikey.requestCount, last: apikey.lastRequest }).from(apikey).where(eq(apikey.id, key.id));
    expect(row!.count).toBe(3);
    expect(row!.last!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const listed = (await (await s.fetch('/v1/auth/keys', { token: s.adminToken })).json()) as { keys: Array<{ id: string; lastUsedAt: number | null }> };
    expect(listed.keys.find((k) => k.id === key.id)?.lastUsedAt).toBe(row!.last!.getTime());
  });
});
