import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, auditEvent, session } from '@/db/schema';
import { startTestServer, type TestServer } from '@/server/testing/harness';

/** What the identity provider hands out: none of it may be stored as issued. */
const ACCESS_TOKEN = 'provider-access-token-4c1f9e27d0b8';
const REFRESH_TOKEN = 'provider-refresh-token-83ad55e1f6c2';

let provider: http.Server;
let issuer: string;
let s: TestServer;

/** A minimal OpenID provider: discovery, a token endpoint that accepts any code, and userinfo. */
function startProvider(): Promise<void> {
  provider = http.createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (req.url === '/.well-known/openid-configuration') {
      return send({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
      });
    }
    if (req.url === '/token') return send({ access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, token_type: 'Bearer', expires_in: 3600, scope: 'openid email profile' });
    if (req.url === '/userinfo') return send({ id: 'olga-1', sub: 'olga-1', email: 'olga@example.com', email_verified: true, name: 'Olga' });
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    provider.listen(0, '127.0.0.1', () => {
      issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  await startProvider();
  s = await startTestServer({ SIGNUP_ENABLED: '1', OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'switchboard', OIDC_CLIENT_SECRET: 'client-secret' });
}, 180_000);
afterAll(async () => {
  await s?.close();
  provider?.close();
});

const cookiePairs = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('='));

describe('OAuth sign-in keeps no provider token or session token as issued', () => {
  it('GET /api/auth/oauth/oidc then the callback: tokens are encrypted, the session is hashed, the cookie signs in', async () => {
    const started = await s.fetch('/api/auth/oauth/oidc?redirect=/app', { redirect: 'manual' });
    expect(started.status).toBe(302);
    const authorize = new URL(started.headers.get('location')!);
    expect(authorize.origin).toBe(issuer);
    const callback = new URL(authorize.searchParams.get('redirect_uri')!);
    const state = authorize.searchParams.get('state')!;

    const finished = await s.fetch(`${callback.pathname}?code=any-code&state=${encodeURIComponent(state)}`, {
      redirect: 'manual',
      headers: { cookie: cookiePairs(started.headers.getSetCookie()).join('; ') },
    });
    expect(finished.status).toBe(302);
    const sessionCookie = cookiePairs(finished.headers.getSetCookie()).find((c) => c.startsWith('switchboard.session_token='));
    expect(sessionCookie).toBeDefined();

    const me = await s.fetch('/api/auth/me', { headers: { cookie: sessionCookie! } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ kind: 'user', email: 'olga@example.com' });

    const [linked] = await s.services.db.select().from(account);
    expect(linked?.providerId).toBe('oidc');
    expect(linked?.accessToken).toBeTruthy();
    expect(linked?.accessToken).not.toContain(ACCESS_TOKEN);
    expect(linked?.refreshToken).not.toContain(REFRESH_TOKEN);

    const rawSessionToken = decodeURIComponent(sessionCookie!.split('=')[1]!).split('.')[0]!;
    const sessions = await s.services.db.select().from(session);
    expect(sessions.some((row) => row.token === rawSessionToken)).toBe(false);
    for (const entry of fs.readdirSync(s.dataDir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile())) {
      const bytes = fs.readFileSync(path.join(entry.parentPath, entry.name));
      expect(bytes.includes(ACCESS_TOKEN)).toBe(false);
      expect(bytes.includes(REFRESH_TOKEN)).toBe(false);
      expect(bytes.includes(rawSessionToken)).toBe(false);
    }

    const audit = await s.services.db.select().from(auditEvent);
    expect(audit.some((e) => e.action === 'auth.registered' || (e.action === 'auth.signed_in' && e.detail?.method === 'oauth'))).toBe(true);
  });
});
