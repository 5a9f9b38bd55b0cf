import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

async function expectTooManyRequests(res: Response, limit: number) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
  const body = await res.json();
  expect(body).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429, statusCode: 429 });
  expect(body.detail).toBe(body.error);
}

describe('sign-in limits (default budgets: 20 failures per account per minute)', () => {
  let s: TestServer;
  const victim = { email: 'victim@example.com', password: 'victim password 1' };
  const bystander = { email: 'bystander@example.com', password: 'bystander password 1' };

  beforeAll(async () => {
    s = await startTestServer({ SIGNUP_ENABLED: '1' });
    for (const user of [victim, bystander]) {
      expect((await s.fetch('/api/auth/register', { method: 'POST', json: user })).status).toBe(201);
    }
  }, 180_000);
  afterAll(() => s.close());

  it('POST /api/auth/login: the 21st wrong password for one account within a minute is 429 with Retry-After; another account still logs in', async () => {
    for (let i = 0; i < 20; i++) {
      // Every dialect's copy of the endpoint counts against the same account.
      const path = i % 2 ? '/everruns/api/auth/login' : '/api/auth/login';
      const res = await s.fetch(path, { method: 'POST', json: { email: victim.email, password: `wrong ${i}` } });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    await expectTooManyRequests(await s.fetch('/api/auth/login', { method: 'POST', json: { email: victim.email, password: 'wrong again' } }), 20);
    // The account is locked for the window, right password or not, whichever way its name is spelled.
    expect((await s.fetch('/api/auth/login', { method: 'POST', json: { email: 'VICTIM@example.com', password: victim.password } })).status).toBe(429);

    const other = await s.fetch('/api/auth/login', { method: 'POST', json: bystander });
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-limit')).toBeTruthy();
  }, 180_000);

  it('POST /api/auth/sign-in/email (better-auth) is the same account budget', async () => {
    const res = await s.fetch('/api/auth/sign-in/email', { method: 'POST', json: { email: victim.email, password: victim.password } });
    expect(res.status).toBe(429);
  });
});

describe('sign-in limits per IP and for token sign-in', () => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer({ SIGNUP_ENABLED: '1', RATE_LIMIT_SIGN_IN_ATTEMPTS_PER_IP: '3' });
  }, 180_000);
  afterAll(() => s.close());

  it('POST /api/trpc/auth.signInWithToken: wrong tokens from one address run out of attempts, whatever token is tried', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await s.fetch('/api/trpc/auth.signInWithToken', { method: 'POST', headers: { origin: s.url }, json: { token: `guess-${i}-xxxxxxxxxxxxxxxx` } });
      expect(res.status).toBe(401);
    }
    await expectTooManyRequests(
      await s.fetch('/api/trpc/auth.signInWithToken', { method: 'POST', json: { token: s.adminToken } }),
      3,
    );
    // Other requests from the same address are not sign-ins and keep their own budget.
    expect((await s.fetch('/api/auth/me', { token: s.adminToken })).status).toBe(200);
  });
});

describe('request budgets per principal', () => {
  let s: TestServer;
  let first: string;
  let second: string;

  beforeAll(async () => {
    s = await startTestServer({ RATE_LIMIT_REQUESTS_PER_MINUTE: '4', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
    const mint = async (name: string) =>
      (await (await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name, scopes: ['runs:read'] } })).json()).key as string;
    first = await mint('first');
    second = await mint('second');
  }, 180_000);
  afterAll(() => s.close());

  it('GET /api/auth/me: a key that spends its budget gets 429, another key and the admin do not', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await s.fetch('/api/auth/me', { token: first });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('4');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(3 - i));
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 - 1);
    }
    await expectTooManyRequests(await s.fetch('/api/auth/me', { token: first }), 4);
    expect((await s.fetch('/api/auth/me', { token: second })).status).toBe(200);
    expect((await s.fetch('/api/auth/me', { token: s.adminToken })).status).toBe(200);
  });

  it('GET /api/auth/config: requests without a valid credential share their address\u2019s budget, which spares principals', async () => {
    for (let i = 0; i < 3; i++) expect((await s.fetch('/api/auth/config')).status).toBe(200);
    // A wrong credential is anonymous too: guessing keys spends the address's budget.
    await expectTooManyRequests(await s.fetch('/api/auth/me', { token: 'sb_not-a-real-key' }), 3);
    expect((await s.fetch('/api/auth/me', { token: second })).status).toBe(200);
  });
});
