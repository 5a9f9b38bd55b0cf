import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('health of every dialect (public)', () => {
  it('GET /healthz', async () => {
    const res = await s.fetch('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('GET /health carries Autopack\u2019s and Everruns\u2019s fields', async () => {
    const res = await s.fetch('/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'healthy', database: 'connected', qdrant: 'disabled', auth_mode: 'full' });
    expect(body.kill_switches).toEqual({ phase6_metrics: false, consolidated_metrics: false });
    for (const field of ['database_identity', 'version', 'runner_mode']) expect(typeof body[field]).toBe('string');
    // The identity says which store this is without saying how to log in to it.
    expect(body.database_identity).not.toMatch(/postgres|:\/\/|@/);
  });

  it('GET /v1/health has Aegis\u2019s fields', async () => {
    const body = await (await s.fetch('/v1/health')).json();
    expect(body).toMatchObject({ status: 'ok', platform: process.platform, tmux: { healthy: true, error: null } });
    expect(body.sessions).toEqual({ active: expect.any(Number), total: expect.any(Number) });
    expect(Number.isInteger(body.uptime)).toBe(true);
    expect(Date.parse(body.timestamp)).not.toBeNaN();
  });

  it('each dialect answers under its own base path with its own shape', async () => {
    expect(await (await s.fetch('/everruns/health')).json()).toMatchObject({ status: 'ok', runner_mode: expect.any(String), auth_mode: 'full' });
    const autopack = await (await s.fetch('/autopack/health')).json();
    expect(autopack.status).toBe('healthy');
    expect(autopack).not.toHaveProperty('runner_mode');
    expect(await (await s.fetch('/echohelix/healthz')).json()).toEqual({ ok: true });
    expect((await s.fetch('/aegis/v1/health')).status).toBe(200);
    expect((await s.fetch('/agentd/healthz')).status).toBe(404);
  });

  it('an unknown path is a JSON 404 with the envelope', async () => {
    const res = await s.fetch('/v1/definitely-not-a-route');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', statusCode: 404, status: 404 });
  });
});

describe('GET /health when the database is unreachable', () => {
  it('answers 503 with status unhealthy', async () => {
    const down = await startTestServer();
    try {
      await down.services.database.close();
      const res = await down.fetch('/health');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unhealthy', database: 'disconnected' });
      expect((await down.fetch('/healthz')).status).toBe(200);
      // A credential that cannot be checked while the database is down does not turn the 503 into a 500.
      const withToken = await down.fetch('/health', { token: 'sb_some_key_that_cannot_be_checked' });
      expect(withToken.status).toBe(503);
    } finally {
      down.services.database.close = async () => {};
      await down.close();
    }
  });
});
