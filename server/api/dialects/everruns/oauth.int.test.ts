import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ GITHUB_CLIENT_ID: 'gh-client-id', GITHUB_CLIENT_SECRET: 'gh-client-secret' });
});
afterAll(() => s.close());

describe('OAuth sign-in', () => {
  it('GET /api/auth/config lists the configured provider', async () => {
    expect((await (await s.fetch('/api/auth/config')).json()).oauth_providers).toEqual([{ id: 'github', name: 'GitHub' }]);
  });

  it('GET /api/auth/oauth/{provider} redirects to the provider with a state it will check', async () => {
    const res = await s.fetch('/api/auth/oauth/github?redirect=/app/runs', { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(location.searchParams.get('client_id')).toBe('gh-client-id');
    expect(location.searchParams.get('redirect_uri')).toMatch(/\/api\/auth\/callback\/github$/);
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(res.headers.getSetCookie().length).toBeGreaterThan(0);
    // The secret never leaves the server.
    expect(res.headers.get('location')).not.toContain('gh-client-secret');
  });

  it('GET /api/auth/callback/{provider} with a bogus state creates no session', async () => {
    const res = await s.fetch('/api/auth/callback/github?code=abc&state=forged', { redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('switchboard.session_token=') && !c.includes('Max-Age=0'))).toBe(false);
    expect((await s.fetch('/api/auth/oauth/gitlab', { redirect: 'manual' })).status).toBe(404);
  });
});
