import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeAnswer } from '@/server/testing/ws-client';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ AUTH_DISABLED: '1' });
});
afterAll(() => s.close());

describe('AUTH_DISABLED=1 on loopback', () => {
  it('serves protected routes without credentials to a loopback Host', async () => {
    expect((await s.fetch('/v1/auth/keys')).status).toBe(200);
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    // fetch() may not set Host, so this request goes out through node:http.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(`${s.url}/v1/auth/keys`, { headers: { host: 'evil.example.com' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    expect(status).toBe(403);
    expect(JSON.parse(body).error).toContain('loopback');
  });

  it('refuses a WebSocket upgrade whose Host is not loopback, with 403 on the upgrade', async () => {
    const refused = await upgradeAnswer(`${s.url.replace(/^http/, 'ws')}/api/v1/runs/run_x/events/ws`, { host: 'evil.example.com' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).error).toContain('loopback');
  });

  it('a WebSocket upgrade to a loopback Host needs no credential: an unknown run is 404, not 401', async () => {
    const { status } = await upgradeAnswer(`${s.url.replace(/^http/, 'ws')}/api/v1/runs/run_x/events/ws`);
    expect(status).toBe(404);
  });
});
