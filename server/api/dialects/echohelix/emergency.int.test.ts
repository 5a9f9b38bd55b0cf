/**
 * The emergency stop through EchoHelix: bootstrap only, it cancels every owner's active runs (and
 * turns), refuses new work with 503 EMERGENCY_STOP_ACTIVE until resumed, and is the one switch the
 * other faces share (work is submitted through agentd here).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { adminWorkspace, apiKey, echohelixModulesBuilt, finishedRun, openSession, postMessage, runStatus, signUp, submitRun, waitFor } from './usage-test-support';

let s: TestServer;
let alice: { token: string; workspace: string };

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
  alice = await signUp(s, 'alice');
}, 60_000);
afterAll(() => s.close());

async function call(method: 'GET' | 'POST', route: string, token = s.adminToken, json?: unknown) {
  const res = await s.fetch(route, { method, token, ...(json === undefined ? {} : { json }) });
  return { status: res.status, body: (await res.json()) as any };
}

async function sleepingRun(token: string, workspace: string): Promise<string> {
  const res = await submitRun(s, token, workspace, '::say going to sleep\n::sleep 60000', 'scripted:default');
  expect(res.status).toBe(200);
  const id = ((await res.json()) as { run_id: string }).run_id;
  await waitFor(() => runStatus(s, token, id), (st) => st === 'running', `run ${id}`);
  return id;
}

describe('POST /api/v3/emergency/stop', () => {
  it('is refused to a user, a user key and an ordinary key with 403 naming the scope, and to no one with 401', async () => {
    const userKey = await apiKey(s, alice.token, ['runs:submit', 'backends:read']);
    const serverKey = await apiKey(s, s.adminToken, ['runs:submit', 'runs:read', 'backends:read', 'devices:write']);
    for (const token of [alice.token, userKey, serverKey]) {
      for (const [method, route] of [
        ['POST', '/api/v3/emergency/stop'],
        ['POST', '/api/v3/emergency/resume'],
        ['GET', '/api/v3/emergency/status'],
      ] as const) {
        const { status, body } = await call(method, route, token);
        expect(status).toBe(403);
        expect(body.error).toContain('missing scope: admin');
      }
    }
    expect((await s.fetch('/api/v3/emergency/stop', { method: 'POST' })).status).toBe(401);
    expect((await call('GET', '/api/v3/emergency/status')).body.active).toBe(false);
  });

  it("cancels every owner's active runs (counted) and turns, then refuses new work with 503 EMERGENCY_STOP_ACTIVE", async () => {
    const adminRun = await sleepingRun(s.adminToken, adminWorkspace(s));
    const aliceRun = await sleepingRun(alice.token, alice.workspace);
    const session = await openSession(s, alice.token, alice.workspace);
    expect((await postMessage(s, alice.token, session, '::sleep 60000')).status).toBe(200);

    const before = Date.now();
    const { status, body } = await call('POST', '/api/v3/emergency/stop', s.adminToken, { reason: 'drill' });
    expect(status).toBe(200);
    expect(body).toEqual({ active: true, reason: 'drill', activated_at: expect.any(String), cancelled_runs: 2 });
    expect(Date.parse(body.activated_at)).toBeGreaterThanOrEqual(before - 1000);
    for (const [token, id] of [
      [s.adminToken, adminRun],
      [alice.token, aliceRun],
    ]) {
      await waitFor(() => runStatus(s, token!, id!), (st) => st === 'canceled', `run ${id}`);
    }

    expect(await call('GET', '/api/v3/emergency/status')).toEqual({ status: 200, body: { active: true, reason: 'drill', activated_at: body.activated_at } });

    const refused = await submitRun(s, alice.token, alice.workspace, '::say hello', 'scripted:default');
    expect(refused.status).toBe(503);
    const refusal = await refused.json();
    expect(refusal).toMatchObject({ code: 'EMERGENCY_STOP_ACTIVE', statusCode: 503 });
    expect(refusal.error).toContain('emergency_stop_active');
    expect((await postMessage(s, alice.token, session, '::say hello')).status).toBe(503);

    // A second stop keeps the first one's reason and time, and finds nothing more to cancel.
    expect(await call('POST', '/echohelix/api/v3/emergency/stop', s.adminToken, { reason: 'again' })).toEqual({
      status: 200,
      body: { active: true, reason: 'drill', activated_at: body.activated_at, cancelled_runs: 0 },
    });
  });
});

describe('POST /api/v3/emergency/resume', () => {
  it('accepts work again; the state has no reason and no activation time', async () => {
    expect(await call('POST', '/echohelix/api/v3/emergency/resume')).toEqual({ status: 200, body: { active: false, reason: '' } });
    expect(await call('GET', '/echohelix/api/v3/emergency/status')).toEqual({ status: 200, body: { active: false, reason: '' } });
    await finishedRun(s, alice.token, alice.workspace, '::say back to work');
  });
});

describe('GET /api/v3/emergency/status', () => {
  it('is open to admin-scoped keys; a stop without a body has an empty reason', async () => {
    const adminKey = await apiKey(s, s.adminToken, ['admin']);
    expect((await call('POST', '/api/v3/emergency/stop', adminKey)).body).toMatchObject({ active: true, reason: '', cancelled_runs: 0 });
    expect((await call('GET', '/api/v3/emergency/status', adminKey)).body).toMatchObject({ active: true, reason: '' });
    expect((await call('POST', '/api/v3/emergency/resume', adminKey)).body).toEqual({ active: false, reason: '' });
  });
});

/** Pairs a device as an EchoHelix wallet does: ed25519 over the challenge, keys as base64url. */
async function pairedDeviceToken(): Promise<string> {
  const started = await call('POST', '/api/v3/pair/start', s.adminToken, {});
  expect(started.status).toBe(200);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const completed = await s.fetch('/api/v3/pair/complete', {
    method: 'POST',
    json: {
      pair_code: started.body.pair_code,
      public_key: (publicKey.export({ format: 'jwk' }) as { x: string }).x,
      signature: sign(null, Buffer.from(started.body.challenge), privateKey).toString('base64url'),
    },
  });
  expect(completed.status).toBe(200);
  return ((await completed.json()) as { access_token: string }).access_token;
}

// Runs once pairing, runs and sessions are merged in (their modules exist); until then there is nothing to call.
describe.runIf(echohelixModulesBuilt('pairing', 'runs', 'sessions'))("the emergency stop through EchoHelix's own endpoints", () => {
  it('refuses a paired device (403 naming the scope), and refuses EchoHelix runs and sessions with 503 EMERGENCY_STOP_ACTIVE', async () => {
    const device = await pairedDeviceToken();
    for (const [method, route] of [
      ['POST', '/api/v3/emergency/stop'],
      ['POST', '/api/v3/emergency/resume'],
      ['GET', '/api/v3/emergency/status'],
    ] as const) {
      const { status, body } = await call(method, route, device);
      expect(status).toBe(403);
      expect(body.error).toContain('missing scope: admin');
    }

    expect((await call('POST', '/api/v3/emergency/stop', s.adminToken, { reason: 'drill' })).status).toBe(200);
    try {
      const workspace = adminWorkspace(s);
      const run = await call('POST', '/api/v3/runs', device, { workspace_id: 'repo', workspace_path: workspace, backend: 'scripted', prompt: '::say hi' });
      const session = await call('POST', '/api/v3/sessions', device, { workspace_path: workspace, backend: 'scripted' });
      for (const refused of [run, session]) {
        expect(refused.status).toBe(503);
        expect(refused.body).toMatchObject({ code: 'EMERGENCY_STOP_ACTIVE' });
        expect(refused.body.error).toContain('emergency_stop_active');
      }
    } finally {
      await call('POST', '/api/v3/emergency/resume');
    }
    const run = await call('POST', '/api/v3/runs', device, { workspace_id: 'repo', workspace_path: adminWorkspace(s), backend: 'scripted', prompt: '::say hi' });
    expect(run.status).toBe(202);
  });
});
