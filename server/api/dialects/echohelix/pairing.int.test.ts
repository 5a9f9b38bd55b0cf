import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completePairing, newWallet, pairDevice, refresh, startPairing, type PairedTokens } from '@/server/testing/elix-wallet';
import { startTestServer, type TestServer } from '@/server/testing/harness';

const DEVICE_DEFAULT = ['runs:submit', 'runs:read', 'runs:cancel', 'backends:read', 'devices:read', 'devices:write'];

let s: TestServer;

beforeAll(async () => {
  // Tests here pair many devices with the bootstrap token within a minute; the limit has its own server below.
  s = await startTestServer({ RATE_LIMIT_PAIR_STARTS_PER_MINUTE: '0' });
}, 180_000);
afterAll(() => s?.close());

async function createKey(scopes: string[]): Promise<string> {
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: scopes.join(' ') || 'none', scopes } });
  expect(res.status).toBe(201);
  return (await res.json()).key;
}

async function errorOf(res: Response): Promise<{ status: number; error: string }> {
  return { status: res.status, error: ((await res.json()) as { error: string }).error };
}

const devicesOf = (token: string, base = '') => s.fetch(`${base}/api/v3/devices`, { token });

describe('POST /api/v3/pair/start', () => {
  it('gives the bootstrap token a one-time pair code, a challenge, every device scope but pair:start, and an elix URI', async () => {
    const before = Date.now();
    const started = await startPairing(s, s.adminToken);
    expect(Object.keys(started).sort()).toEqual(['challenge', 'elix_uri', 'expires_at', 'pair_code', 'pair_version', 'permissions']);
    expect([...started.permissions].sort()).toEqual([...DEVICE_DEFAULT].sort());
    expect(started.pair_code.length).toBeGreaterThanOrEqual(40);
    expect(started.challenge).not.toContain(started.pair_code);
    const ttl = new Date(started.expires_at).getTime() - before;
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
    const uri = new URL(started.elix_uri);
    expect(uri.protocol).toBe('elix:');
    expect(uri.searchParams.get('code')).toBe(started.pair_code);
    expect(uri.searchParams.get('challenge')).toBe(started.challenge);
    expect(uri.searchParams.get('v')).toBe(started.pair_version);
    expect(uri.searchParams.get('server')).toBe(s.services.env.publicUrl);
  });

  it('honours ttl_seconds up to 600 and refuses 601 or 0 with a 400 naming ttl_seconds', async () => {
    const long = await startPairing(s, s.adminToken, { ttl_seconds: 600 });
    expect(new Date(long.expires_at).getTime() - Date.now()).toBeGreaterThan(590_000);
    for (const ttl of [601, 0, 1.5]) {
      const res = await s.fetch('/api/v3/pair/start', { method: 'POST', token: s.adminToken, json: { ttl_seconds: ttl } });
      const { status, error } = await errorOf(res);
      expect([ttl, status]).toEqual([ttl, 400]);
      expect(error).toContain('ttl_seconds');
    }
  });

  it('refuses permissions the caller may not grant (pair:start, or beyond its own scopes) with a 400 naming permissions', async () => {
    const own = await createKey(['pair:start', 'runs:read']);
    for (const [token, permissions] of [
      [s.adminToken, ['pair:start']],
      [own, ['runs:submit']],
      [s.adminToken, []],
    ] as const) {
      const { status, error } = await errorOf(await s.fetch('/api/v3/pair/start', { method: 'POST', token, json: { permissions } }));
      expect(status).toBe(400);
      expect(error).toContain('permissions');
    }
    expect((await startPairing(s, own)).permissions).toEqual(['runs:read']);
    expect((await startPairing(s, s.adminToken, { permissions: ['runs:read', 'runs:read'] })).permissions).toEqual(['runs:read']);
  });

  it('needs a credential with pair:start: none is 401, a paired device is 403 missing scope', async () => {
    expect((await s.fetch('/api/v3/pair/start', { method: 'POST', json: {} })).status).toBe(401);
    const { tokens } = await pairDevice(s, s.adminToken);
    const { status, error } = await errorOf(await s.fetch('/api/v3/pair/start', { method: 'POST', token: tokens.access_token, json: {} }));
    expect(status).toBe(403);
    expect(error).toContain('missing scope: pair:start');
  });
});

describe('POST /api/v3/pair/complete', () => {
  it('pairs an ed25519 wallet that signed the challenge: address from the key, tokens that work', async () => {
    const wallet = newWallet();
    const started = await startPairing(s, s.adminToken, { permissions: ['devices:read', 'runs:read'] });
    const res = await completePairing(s, { pair_code: started.pair_code, public_key: wallet.publicKey, signature: wallet.sign(started.challenge), device_name: 'phone' });
    expect(res.status).toBe(200);
    const paired = (await res.json()) as PairedTokens;
    expect(Object.keys(paired).sort()).toEqual(['access_token', 'address', 'device_name', 'expires_at', 'public_key', 'refresh_expires_at', 'refresh_token', 'scopes']);
    const keyBytes = Buffer.from(wallet.publicKey, 'base64url');
    expect(paired.address).toBe(`elix1${createHash('sha256').update(keyBytes).digest('hex').slice(0, 40)}`);
    expect(paired).toMatchObject({ public_key: wallet.publicKey, device_name: 'phone', scopes: ['devices:read', 'runs:read'] });
    expect(paired.access_token).toMatch(/^elix_at_/);
    expect(paired.refresh_token).toMatch(/^elix_rt_/);
    const accessLife = new Date(paired.expires_at).getTime() - Date.now();
    const refreshLife = new Date(paired.refresh_expires_at).getTime() - Date.now();
    expect(accessLife).toBeGreaterThan(14 * 60_000);
    expect(accessLife).toBeLessThanOrEqual(15 * 60_000);
    expect(refreshLife).toBeGreaterThan(23.9 * 3600_000);
    expect(refreshLife).toBeLessThanOrEqual(24 * 3600_000);

    const list = await devicesOf(paired.access_token);
    expect(list.status).toBe(200);
    const mine = ((await list.json()) as { devices: Array<Record<string, unknown>> }).devices.find((d) => d.address === paired.address);
    expect(mine).toMatchObject({ name: 'phone', public_key: wallet.publicKey, permissions: ['devices:read', 'runs:read'], revoked: false, revoked_at: null, revoke_reason: null });
    // What it was not granted stays shut.
    const write = await s.fetch(`/api/v3/devices/${paired.address}/rename`, { method: 'POST', token: paired.access_token, json: { name: 'x' } });
    expect(write.status).toBe(403);
  });

  it('refuses a signature over a different string (400 naming signature) and leaves the code usable', async () => {
    const wallet = newWallet();
    const started = await startPairing(s, s.adminToken);
    const forged = await completePairing(s, { pair_code: started.pair_code, public_key: wallet.publicKey, signature: wallet.sign(`${started.challenge}x`) });
    const { status, error } = await errorOf(forged);
    expect(status).toBe(400);
    expect(error).toContain('signature');
    const otherKey = await completePairing(s, { pair_code: started.pair_code, public_key: newWallet().publicKey, signature: wallet.sign(started.challenge) });
    expect(otherKey.status).toBe(400);
    const good = await completePairing(s, { pair_code: started.pair_code, public_key: wallet.publicKey, signature: wallet.sign(started.challenge) });
    expect(good.status).toBe(200);
  });

  it('a pair code works once', async () => {
    const started = await startPairing(s, s.adminToken);
    const first = newWallet();
    expect((await completePairing(s, { pair_code: started.pair_code, public_key: first.publicKey, signature: first.sign(started.challenge) })).status).toBe(200);
    const second = newWallet();
    const again = await errorOf(await completePairing(s, { pair_code: started.pair_code, public_key: second.publicKey, signature: second.sign(started.challenge) }));
    expect(again.status).toBe(400);
    expect(again.error).toContain('pair_code');
  });

  it('an expired pair code is refused', async () => {
    const started = await startPairing(s, s.adminToken, { ttl_seconds: 1 });
    const expiry = new Date(started.expires_at).getTime();
    while (Date.now() <= expiry + 20) await new Promise((r) => setTimeout(r, 50));
    const wallet = newWallet();
    const { status, error } = await errorOf(await completePairing(s, { pair_code: started.pair_code, public_key: wallet.publicKey, signature: wallet.sign(started.challenge) }));
    expect(status).toBe(400);
    expect(error).toContain('pair_code');
  });

  it('an unknown code or a malformed key or signature is a 400 naming the field, never a 500', async () => {
    const wallet = newWallet();
    const started = await startPairing(s, s.adminToken);
    const signature = wallet.sign(started.challenge);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ pair_code: 'nope', public_key: wallet.publicKey, signature }, 'pair_code'],
      [{ pair_code: started.pair_code, public_key: 'not base64!', signature }, 'public_key'],
      [{ pair_code: started.pair_code, public_key: Buffer.alloc(31).toString('base64url'), signature }, 'public_key'],
      [{ pair_code: started.pair_code, public_key: wallet.publicKey, signature: 'AAAA' }, 'signature'],
      [{ pair_code: started.pair_code, public_key: wallet.publicKey }, 'signature'],
      [{ pair_code: started.pair_code, public_key: wallet.publicKey, signature, device_name: 'x'.repeat(201) }, 'device_name'],
    ];
    for (const [body, field] of cases) {
      const { status, error } = await errorOf(await completePairing(s, body));
      expect([field, status]).toEqual([field, 400]);
      expect(error).toContain(field);
    }
  });
});

describe('POST /api/v3/session/refresh', () => {
  it('rotates: the old refresh and the old access token get 401, the new pair works; replaying the old refresh revokes the whole family', async () => {
    const { tokens } = await pairDevice(s, s.adminToken);
    expect((await devicesOf(tokens.access_token)).status).toBe(200);

    const res = await refresh(s, tokens.refresh_token);
    expect(res.status).toBe(200);
    const next = (await res.json()) as PairedTokens;
    expect(Object.keys(next).sort()).toEqual(['access_token', 'address', 'expires_at', 'refresh_expires_at', 'refresh_token', 'scopes']);
    expect(next.address).toBe(tokens.address);
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);

    expect((await devicesOf(tokens.access_token)).status).toBe(401);
    expect((await devicesOf(next.access_token)).status).toBe(200);

    // The spent refresh token comes back: it leaked, so nothing of its family may work any more.
    expect((await refresh(s, tokens.refresh_token)).status).toBe(401);
    expect((await devicesOf(next.access_token)).status).toBe(401);
    expect((await refresh(s, next.refresh_token)).status).toBe(401);
  });

  it('of two refreshes racing with one token exactly one wins, and the loser counts as reuse', async () => {
    const { tokens } = await pairDevice(s, s.adminToken);
    const answers = await Promise.all([refresh(s, tokens.refresh_token), refresh(s, tokens.refresh_token)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
    const winner = (await answers.find((r) => r.status === 200)!.json()) as PairedTokens;
    expect((await devicesOf(winner.access_token)).status).toBe(401);
    expect((await refresh(s, winner.refresh_token)).status).toBe(401);
  });

  it('a refresh token is never an access token, and an access token never refreshes', async () => {
    const { tokens } = await pairDevice(s, s.adminToken);
    expect((await devicesOf(tokens.refresh_token)).status).toBe(401);
    expect((await refresh(s, tokens.access_token)).status).toBe(401);
    expect((await refresh(s, 'elix_rt_guess')).status).toBe(401);
    expect((await s.fetch('/api/v3/session/refresh', { method: 'POST', json: {} })).status).toBe(400);
    // Neither refusal cost the family anything.
    expect((await devicesOf(tokens.access_token)).status).toBe(200);
    expect((await refresh(s, tokens.refresh_token)).status).toBe(200);
  });
});

describe('EchoHelix pairing under /echohelix', () => {
  it('POST /echohelix/api/v3/pair/start, /pair/complete and /session/refresh answer as at the root, and the URI names the base', async () => {
    const started = await startPairing(s, s.adminToken, {}, '/echohelix');
    expect(new URL(started.elix_uri).searchParams.get('server')).toBe(`${s.services.env.publicUrl}/echohelix`);
    const { tokens } = await pairDevice(s, s.adminToken, { base: '/echohelix' });
    expect((await devicesOf(tokens.access_token, '/echohelix')).status).toBe(200);
    const res = await refresh(s, tokens.refresh_token, '/echohelix');
    expect(res.status).toBe(200);
    expect((await devicesOf(tokens.access_token, '/echohelix')).status).toBe(401);
  });
});

describe('POST /api/v3/pair/start and /pair/complete rate limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ RATE_LIMIT_PAIR_STARTS_PER_MINUTE: '2', RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_IP: '3' });
  }, 180_000);
  afterAll(() => limited?.close());

  it('pair/start: 429 with Retry-After once a principal has started its budget, other principals unaffected', async () => {
    const start = (token: string) => limited.fetch('/api/v3/pair/start', { method: 'POST', token, json: {} });
    expect((await start(limited.adminToken)).status).toBe(200);
    expect((await start(limited.adminToken)).status).toBe(200);
    const refused = await start(limited.adminToken);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const keyRes = await limited.fetch('/v1/auth/keys', { method: 'POST', token: limited.adminToken, json: { name: 'pairer', scopes: ['pair:start', 'runs:read'] } });
    expect((await start((await keyRes.json()).key)).status).toBe(200);
  });

  it('pair/complete: failed attempts from one address are counted, then 429 with Retry-After', async () => {
    const wallet = newWallet();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await limited.fetch('/api/v3/pair/complete', { method: 'POST', json: { pair_code: `guess-${i}`, public_key: wallet.publicKey, signature: wallet.sign('x') } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
