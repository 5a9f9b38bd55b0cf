import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completePairing, pairDevice, refresh, startPairing, type PairedTokens } from '@/server/testing/elix-wallet';
import { upgradeAnswer } from '@/server/testing/ws-client';
import { startTestServer, type TestServer } from '@/server/testing/harness';

interface DeviceRow {
  address: string;
  name: string;
  public_key: string;
  permissions: string[];
  created_at: string;
  last_seen_at: string | null;
  revoked: boolean;
  revoked_at: string | null;
  revoke_reason: string | null;
}

let s: TestServer;
// Processes of one deployment share the key tokens are hashed with (see the two-process test).
const SECRETS_KEY = randomBytes(32).toString('hex');
let alice: string;
let bob: string;

async function register(username: string): Promise<string> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${username}@example.com`, password: 'correct horse battery', username } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1', RATE_LIMIT_PAIR_STARTS_PER_MINUTE: '0', SECRETS_KEY });
  alice = await register('alice');
  bob = await register('bob');
}, 180_000);
afterAll(() => s?.close());

async function listed(token: string, base = ''): Promise<DeviceRow[]> {
  const res = await s.fetch(`${base}/api/v3/devices`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { devices: DeviceRow[] }).devices;
}

const rename = (token: string, address: string, name: unknown, base = '') => s.fetch(`${base}/api/v3/devices/${address}/rename`, { method: 'POST', token, json: { name } });
const revoke = (token: string, address: string, body?: unknown) =>
  s.fetch(`/api/v3/devices/${address}/revoke`, { method: 'POST', token, ...(body === undefined ? {} : { json: body }) });

describe('GET /api/v3/devices', () => {
  it('lists the owner\u2019s devices with every documented field; a user sees only theirs, the bootstrap token all', async () => {
    const adminDevice = (await pairDevice(s, s.adminToken, { name: 'bootstrap phone' })).tokens;
    const aliceDevice = (await pairDevice(s, alice, { name: 'alice laptop' })).tokens;
    const bobDevice = (await pairDevice(s, bob, { name: 'bob tablet' })).tokens;

    const all = await listed(s.adminToken);
    for (const d of [adminDevice, aliceDevice, bobDevice]) expect(all.map((x) => x.address)).toContain(d.address);
    const row = all.find((d) => d.address === aliceDevice.address)!;
    expect(Object.keys(row).sort()).toEqual(['address', 'created_at', 'last_seen_at', 'name', 'permissions', 'public_key', 'revoke_reason', 'revoked', 'revoked_at']);
    expect(row).toMatchObject({ name: 'alice laptop', public_key: aliceDevice.public_key, revoked: false, revoked_at: null, revoke_reason: null });
    expect(new Date(row.created_at).toISOString()).toBe(row.created_at);

    const seenByAlice = (await listed(alice)).map((d) => d.address);
    expect(seenByAlice).toContain(aliceDevice.address);
    expect(seenByAlice).not.toContain(bobDevice.address);
    expect(seenByAlice).not.toContain(adminDevice.address);
    // Alice's device acts for Alice: it sees her devices, not Bob's nor the server's.
    const seenByAliceDevice = (await listed(aliceDevice.access_token)).map((d) => d.address);
    expect(seenByAliceDevice).toEqual(seenByAlice);
  });

  it('a user-paired device gets the user\u2019s workload scopes and never pair:start', async () => {
    const { tokens } = await pairDevice(s, alice);
    expect([...tokens.scopes].sort()).toEqual(['backends:read', 'devices:read', 'devices:write', 'runs:cancel', 'runs:read', 'runs:submit']);
    const res = await s.fetch('/api/v3/pair/start', { method: 'POST', token: tokens.access_token, json: {} });
    expect(res.status).toBe(403);
  });

  it('answers under /echohelix too', async () => {
    const { tokens } = await pairDevice(s, alice, { base: '/echohelix' });
    expect((await listed(tokens.access_token, '/echohelix')).map((d) => d.address)).toContain(tokens.address);
  });
});

describe('POST /api/v3/devices/{address}/rename', () => {
  it('a device renames itself; renaming another device is 403; the bootstrap token renames any', async () => {
    const one = (await pairDevice(s, alice, { name: 'one' })).tokens;
    const two = (await pairDevice(s, alice, { name: 'two' })).tokens;
    const self = await rename(one.access_token, one.address, 'one renamed');
    expect(self.status).toBe(200);
    expect(await self.json()).toEqual({ address: one.address, renamed: true });
    expect((await listed(alice)).find((d) => d.address === one.address)?.name).toBe('one renamed');

    const other = await rename(one.access_token, two.address, 'hijacked');
    expect(other.status).toBe(403);
    expect((await listed(alice)).find((d) => d.address === two.address)?.name).toBe('two');

    expect((await rename(s.adminToken, two.address, 'by admin')).status).toBe(200);
    expect((await rename(alice, two.address, 'by alice', '/echohelix')).status).toBe(200);
  });

  it('another owner\u2019s device is 404 like an unknown address; an empty name is 400 naming name', async () => {
    const bobs = (await pairDevice(s, bob, { name: 'bob phone' })).tokens;
    const aliceDevice = (await pairDevice(s, alice)).tokens;
    for (const token of [alice, aliceDevice.access_token]) {
      const res = await rename(token, bobs.address, 'mine now');
      expect(res.status).toBe(404);
      expect((await res.json()).code).toContain('NOT_FOUND');
    }
    expect((await rename(alice, 'elix1unknown', 'x')).status).toBe(404);
    const empty = await rename(aliceDevice.access_token, aliceDevice.address, '  ');
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toContain('name');
    expect((await rename(aliceDevice.access_token, aliceDevice.address, 7)).status).toBe(400);
    expect((await listed(bob)).find((d) => d.address === bobs.address)?.name).toBe('bob phone');
  });
});

describe('POST /api/v3/devices/{address}/revoke', () => {
  it('another owner cannot revoke (404), another device cannot (403); a device may revoke itself, and then its tokens are refused', async () => {
    const bobs = (await pairDevice(s, bob)).tokens;
    const mine = (await pairDevice(s, alice)).tokens;
    const sibling = (await pairDevice(s, alice)).tokens;
    expect((await revoke(alice, bobs.address)).status).toBe(404);
    expect((await revoke(mine.access_token, sibling.address)).status).toBe(403);
    expect((await listed(bob)).find((d) => d.address === bobs.address)?.revoked).toBe(false);

    const res = await revoke(mine.access_token, mine.address, { reason: 'lost it' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ address: mine.address, revoked: true });
    expect((await s.fetch('/api/v3/devices', { token: mine.access_token })).status).toBe(401);
    expect((await s.fetch('/api/v3/session/refresh', { method: 'POST', json: { refresh_token: mine.refresh_token } })).status).toBe(401);
    const row = (await listed(alice)).find((d) => d.address === mine.address)!;
    expect(row).toMatchObject({ revoked: true, revoke_reason: 'lost it' });
    expect(new Date(row.revoked_at!).toISOString()).toBe(row.revoked_at);
    // Revoking again changes nothing; the body is optional.
    expect((await revoke(alice, mine.address)).status).toBe(200);
    expect((await listed(alice)).find((d) => d.address === mine.address)?.revoke_reason).toBe('lost it');
    const underBase = await s.fetch(`/echohelix/api/v3/devices/${sibling.address}/revoke`, { method: 'POST', token: s.adminToken });
    expect(underBase.status).toBe(200);
    expect(await underBase.json()).toEqual({ address: sibling.address, revoked: true });

    // The audit trail names who paired and who revoked, once each.
    const trail = async (action: string) => {
      const res = await s.fetch(`/api/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ action }))}`, { token: s.adminToken });
      return ((await res.json()) as { result: { data: Array<{ principal_id: string; target_id: string | null }> } }).result.data.filter((e) => e.target_id === mine.address);
    };
    expect((await trail('device.paired')).map((e) => e.principal_id)).toEqual([mine.address]);
    expect((await trail('device.revoked')).map((e) => e.principal_id)).toEqual([mine.address]);
  });

  it('a revoked device\u2019s key cannot be paired again (400 naming public_key); a live one re-pairs with the new permissions', async () => {
    const { wallet, tokens } = await pairDevice(s, alice, { name: 'kept' });
    const again = await pairDevice(s, alice, { wallet, permissions: ['runs:read'] });
    expect(again.tokens).toMatchObject({ address: tokens.address, device_name: 'kept', scopes: ['runs:read'] });
    // Both families work until revoked.
    expect((await s.fetch('/api/v3/backends', { token: again.tokens.access_token })).status).not.toBe(401);

    // Someone else's pairing cannot take the key over.
    const bobStart = await startPairing(s, bob);
    const takeover = await completePairing(s, { pair_code: bobStart.pair_code, public_key: wallet.publicKey, signature: wallet.sign(bobStart.challenge) });
    expect(takeover.status).toBe(400);

    expect((await revoke(alice, tokens.address)).status).toBe(200);
    const started = await startPairing(s, alice);
    const res = await completePairing(s, { pair_code: started.pair_code, public_key: wallet.publicKey, signature: wallet.sign(started.challenge) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain('public_key');
  });

  it('closes the device\u2019s open WebSocket within a second', async () => {
    const device: PairedTokens = (await pairDevice(s, s.adminToken, { permissions: ['runs:read'] })).tokens;
    const workspace = path.join(s.dataDir, 'workspaces', 'repo');
    fs.mkdirSync(workspace, { recursive: true });
    const run = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, prompt: '::say started\n::sleep 60000\n::say done' } });
    expect(run.status).toBe(200);
    const runId = ((await run.json()) as { run_id: string }).run_id;

    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/api/v1/runs/${runId}/events/ws`, { headers: { authorization: `Bearer ${device.access_token}` } });
    const closed = new Promise<number>((resolve, reject) => {
      ws.on('close', (code) => resolve(code));
      ws.on('error', reject);
    });
    // The first event proves the stream is open and registered.
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));

    const at = Date.now();
    expect((await revoke(s.adminToken, device.address, { reason: 'stolen' })).status).toBe(200);
    expect(await closed).toBe(4401);
    expect(Date.now() - at).toBeLessThan(1000);
    await s.fetch(`/v1/runs/${runId}/cancel`, { method: 'POST', token: s.adminToken, json: {} });
  });
});

describe('a device’s stream ticket (auth.streamTicket)', () => {
  it('opens a stream while the access token it was issued with is current, and stops once that token is rotated away', async () => {
    const { tokens } = await pairDevice(s, s.adminToken, { permissions: ['runs:read'] });
    // A mutation without input goes as the tRPC client sends it: a batch of one with no input.
    const issued = await s.fetch('/api/trpc/auth.streamTicket?batch=1', { method: 'POST', token: tokens.access_token, json: {} });
    expect(issued.status).toBe(200);
    const ticket = ((await issued.json()) as Array<{ result: { data: { ticket: string } } }>)[0]!.result.data.ticket;
    const streamUrl = `${s.url.replace(/^http/, 'ws')}/api/v1/runs/run_unknown/events/ws?access_token=${ticket}`;
    // Authenticated: the unknown run is what is refused.
    expect((await upgradeAnswer(streamUrl)).status).toBe(404);
    expect((await refresh(s, tokens.refresh_token)).status).toBe(200);
    expect((await upgradeAnswer(streamUrl)).status).toBe(401);
  });
});

describe('devices over tRPC (the dashboard)', () => {
  it('devices.list, devices.startPairing, devices.rename and devices.revoke act on the caller\u2019s own devices', async () => {
    const trpc = (proc: string, input: unknown, token: string) =>
      s.fetch(`/api/trpc/${proc}`, { method: 'POST', token, json: input });
    const started = await trpc('devices.startPairing', { permissions: ['runs:read'], ttlSeconds: 120 }, alice);
    expect(started.status).toBe(200);
    const pairing = (await started.json()).result.data as { pairCode: string; elixUri: string; permissions: string[] };
    expect(pairing.permissions).toEqual(['runs:read']);
    expect(pairing.elixUri).toContain(encodeURIComponent(pairing.pairCode));

    const list = await s.fetch(`/api/trpc/devices.list`, { token: alice });
    expect(list.status).toBe(200);
    const rows = (await list.json()).result.data as Array<{ address: string; ownerId: string }>;
    expect(rows.length).toBeGreaterThan(0);
    const bobs = (await pairDevice(s, bob)).tokens;
    expect(rows.map((r) => r.address)).not.toContain(bobs.address);
    expect((await trpc('devices.rename', { address: bobs.address, name: 'x' }, alice)).status).toBe(404);
    expect((await trpc('devices.revoke', { address: rows[0]!.address }, alice)).status).toBe(200);
  });
});

/** Polls `probe` until it says yes, for at most `ms`; true when it did. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Two processes can only share a database on Postgres.
describe.skipIf(!process.env.DATABASE_URL)('devices across two processes (Postgres)', () => {
  let other: TestServer;
  beforeAll(async () => {
    other = await startTestServer({ RATE_LIMIT_PAIR_STARTS_PER_MINUTE: '0', SECRETS_KEY }, { shareDatabaseWith: s });
  }, 180_000);
  afterAll(() => other?.close());

  it('a refresh in one process retires the old access token in the other at once (well before its cache entry would expire), and a revoke closes the other\u2019s WebSocket within a second', async () => {
    const { tokens } = await pairDevice(s, s.adminToken, { permissions: ['runs:read', 'devices:read'] });
    // Cached as valid in the other process.
    expect((await other.fetch('/api/v3/devices', { token: tokens.access_token })).status).toBe(200);
    const res = await s.fetch('/api/v3/session/refresh', { method: 'POST', json: { refresh_token: tokens.refresh_token } });
    expect(res.status).toBe(200);
    const next = (await res.json()) as PairedTokens;
    expect(await within(2_000, async () => (await other.fetch('/api/v3/devices', { token: tokens.access_token })).status === 401)).toBe(true);

    const workspace = path.join(s.dataDir, 'workspaces', 'repo');
    fs.mkdirSync(workspace, { recursive: true });
    const run = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, prompt: '::say started\n::sleep 60000' } });
    const runId = ((await run.json()) as { run_id: string }).run_id;
    const ws = new WebSocket(`${other.url.replace(/^http/, 'ws')}/api/v1/runs/${runId}/events/ws`, { headers: { authorization: `Bearer ${next.access_token}` } });
    const closed = new Promise<number>((resolve, reject) => {
      ws.on('close', (code) => resolve(code));
      ws.on('error', reject);
    });
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
    const at = Date.now();
    expect((await revoke(s.adminToken, next.address)).status).toBe(200);
    expect(await closed).toBe(4401);
    expect(Date.now() - at).toBeLessThan(1000);
    await s.fetch(`/v1/runs/${runId}/cancel`, { method: 'POST', token: s.adminToken, json: {} });
  });
});
