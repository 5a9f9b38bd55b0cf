import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeAnswer } from '@/server/testing/ws-client';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { createApp } from './app';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** fetch() will not send an arbitrary Host, so these requests go out through node:http. */
function raw(base: string, pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function expectEnvelope(res: RawResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = JSON.parse(res.body);
  expect(body).toMatchObject({ statusCode: status, status, code });
  expect(body.detail).toBe(body.error);
}

let s: TestServer;
let configured: TestServer;
let cookie: string;

beforeAll(async () => {
  [s, configured] = await Promise.all([
    startTestServer({ SIGNUP_ENABLED: '1' }),
    startTestServer({ PUBLIC_URL: 'https://switchboard.example.com', ALLOWED_HOSTS: 'switchboard.internal:8443, tools.example.org' }),
  ]);
  const reg = await s.fetch('/api/auth/register', { method: 'POST', json: { email: 'cookie@example.com', password: 'cookie password 1' } });
  cookie = (reg.headers.get('set-cookie') ?? '').split(';')[0]!;
}, 180_000);
afterAll(() => Promise.all([s.close(), configured.close()]));

describe('Host: every request names an allowed host, with auth on', () => {
  it.each(['127.evil.example', '127.0.0.1.nip.io', 'localhost.evil', 'evil.example.com', 'localhost@evil.example'])(
    'GET /api/auth/config with Host %j is 403 HOST_NOT_ALLOWED',
    async (host) => {
      expectEnvelope(await raw(s.url, '/api/auth/config', { headers: { host } }), 403, 'HOST_NOT_ALLOWED');
    },
  );

  it.each(['localhost', 'localhost:9', '127.0.0.1', '127.0.0.1:8787', '[::1]', '[::1]:8787', 'LOCALHOST:1'])('GET /api/auth/config with loopback Host %j is served', async (host) => {
    expect((await raw(s.url, '/api/auth/config', { headers: { host } })).status).toBe(200);
  });

  it('PUBLIC_URL\u2019s host (any port) and ALLOWED_HOSTS (their port, or any when none is given) are served; nothing else', async () => {
    for (const host of ['switchboard.example.com', 'switchboard.example.com:443', 'switchboard.internal:8443', 'tools.example.org:1234', 'localhost']) {
      expect((await raw(configured.url, '/api/auth/config', { headers: { host } })).status, host).toBe(200);
    }
    for (const host of ['switchboard.internal', 'switchboard.internal:8444', 'example.com', 'switchboard.example.com.evil']) {
      expectEnvelope(await raw(configured.url, '/api/auth/config', { headers: { host } }), 403, 'HOST_NOT_ALLOWED');
    }
  });

  it('GET /api/v1/runs/{run_id}/events/ws with a foreign Host is refused with 403 on the upgrade, credentials or not', async () => {
    const refused = await upgradeAnswer(`${s.url.replace(/^http/, 'ws')}/api/v1/runs/run_x/events/ws`, {
      host: '127.evil.example',
      authorization: `Bearer ${s.adminToken}`,
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).code).toBe('HOST_NOT_ALLOWED');
  });
});

describe('Origin: cookie-authenticated writes come from our own pages', () => {
  const apiKeyCreate = '/api/trpc/apiKeys.create';
  const keyInput = JSON.stringify({ name: 'from-the-dashboard', scopes: ['runs:read'] });

  it('POST /api/trpc/apiKeys.create with the session cookie and a foreign Origin is 403 CROSS_SITE_REQUEST', async () => {
    const res = await raw(s.url, apiKeyCreate, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: keyInput,
    });
    expectEnvelope(res, 403, 'CROSS_SITE_REQUEST');
  });

  it('POST /api/trpc/apiKeys.create with the session cookie and neither Origin nor Referer is 403', async () => {
    const res = await raw(s.url, apiKeyCreate, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: keyInput });
    expectEnvelope(res, 403, 'CROSS_SITE_REQUEST');
  });

  it('POST /api/trpc/apiKeys.create with the session cookie from the same origin (Origin, or Referer) is served', async () => {
    const origin = await raw(s.url, apiKeyCreate, { method: 'POST', headers: { cookie, origin: s.url, 'content-type': 'application/json' }, body: keyInput });
    expect(origin.status).toBe(200);
    const referer = await raw(s.url, apiKeyCreate, {
      method: 'POST',
      headers: { cookie, referer: `${s.url}/app/keys`, 'content-type': 'application/json' },
      body: keyInput,
    });
    expect(referer.status).toBe(200);
  });

  it('POST /api/auth/logout with a cookie and Origin: null is 403; GET /api/auth/me with the cookie needs no Origin', async () => {
    expectEnvelope(await raw(s.url, '/api/auth/logout', { method: 'POST', headers: { cookie, origin: 'null' } }), 403, 'CROSS_SITE_REQUEST');
    expect((await raw(s.url, '/api/auth/me', { headers: { cookie } })).status).toBe(200);
  });

  it('POST /v1/auth/keys with a header credential is not held to the Origin rule', async () => {
    const res = await raw(s.url, '/v1/auth/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${s.adminToken}`, origin: 'http://evil.example', cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'script', scopes: ['runs:read'] }),
    });
    expect(res.status).toBe(201);
  });
});

describe('Content-Security-Policy on dashboard pages', () => {
  it('GET /app carries the dashboard policy; API responses do not need one', async () => {
    const app = createApp(s.services, { info() {}, error() {} }, async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>dashboard</title>');
    });
    const server = http.createServer(app.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const page = await raw(base, '/app');
      expect(page.status).toBe(200);
      const csp = String(page.headers['content-security-policy']);
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "connect-src 'self'", "frame-ancestors 'none'", "img-src 'self' data:"]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-eval');
      expect((await raw(base, '/app', { headers: { host: 'evil.example' } })).status).toBe(403);
    } finally {
      app.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
