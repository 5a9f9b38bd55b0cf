/**
 * The usage report behind the Usage page: sums per UTC day and backend and per model, each owner
 * seeing only their own usage (the admin: everyone's, and per owner), today's quota figures from
 * DAILY_TOKEN_QUOTA, and the range checks of `usage.report`.
 */
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageRecord } from '@/db/schema';
import type { AppRouter } from '@/server/api/root';
import { adminPrincipal, type Principal } from '@/server/auth/principal';
import { USER_SCOPES } from '@/server/auth/scopes';
import { newId } from '@/server/core/shared/ids';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { utcDayStart } from './quota';
import { usageReport } from './usage-report';

const DAY = 86_400_000;
const admin = adminPrincipal();
let s: TestServer;
let alice: Principal;
let bob: Principal;

const userPrincipal = (id: string, name: string): Principal => ({ kind: 'user', id, userId: id, ownerId: id, name, scopes: new Set(USER_SCOPES), credentials: [] });
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

async function register(username: string): Promise<string> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${username}@example.com`, password: 'correct horse battery', username } });
  expect(res.status).toBe(201);
  const token = ((await res.json()) as { access_token: string }).access_token;
  return ((await (await s.fetch('/api/auth/me', { token })).json()) as { id: string }).id;
}

async function record(ownerId: string, provider: string, model: string, inputTokens: number, outputTokens: number, costUsd: number, createdAt: Date) {
  await s.services.db.insert(usageRecord).values({ id: newId('use'), stepId: newId('stp'), provider, model, inputTokens, outputTokens, costUsd, principalId: ownerId, ownerId, createdAt });
}

const today = utcDayStart();
const now = new Date();
const daysAgo = (n: number) => new Date(today.getTime() - n * DAY + 3_600_000);

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1', DAILY_TOKEN_QUOTA: 'scripted:10000,anthropic:500' });
  alice = userPrincipal(await register('alice'), 'alice');
  bob = userPrincipal(await register('bob'), 'bob');
  // Alice: two backends over three days; Bob: one backend today; the admin: today; one record long ago.
  await record(alice.id, 'scripted', 'default', 100, 10, 0, now);
  await record(alice.id, 'scripted', 'default', 200, 20, 0, now);
  await record(alice.id, 'openai', 'gpt-x', 1000, 100, 0.5, daysAgo(1));
  await record(alice.id, 'openai', 'gpt-y', 2000, 200, 1.25, daysAgo(2));
  await record(bob.id, 'scripted', 'default', 40, 4, 0, now);
  await record('admin', 'anthropic', 'claude-z', 300, 30, 0.2, now);
  await record(alice.id, 'openai', 'gpt-x', 99_999, 9_999, 99, daysAgo(40));
}, 60_000);
afterAll(() => s.close());

describe('usageReport', () => {
  it('sums tokens and cost per UTC day and backend, and per model, over the last 14 days by default', async () => {
    const report = await usageReport(s.services, alice, {});
    expect(report.to).toBe(dayOf(today));
    expect(report.from).toBe(dayOf(new Date(today.getTime() - 13 * DAY)));
    expect(report.days).toHaveLength(14);
    expect(report.days.at(-1)).toBe(report.to);
    expect(report.by_day).toEqual([
      { day: dayOf(daysAgo(2)), provider: 'openai', calls: 1, input_tokens: 2000, output_tokens: 200, cost_usd: 1.25 },
      { day: dayOf(daysAgo(1)), provider: 'openai', calls: 1, input_tokens: 1000, output_tokens: 100, cost_usd: 0.5 },
      { day: dayOf(today), provider: 'scripted', calls: 2, input_tokens: 300, output_tokens: 30, cost_usd: 0 },
    ]);
    expect(report.by_model.map((r) => [r.provider, r.model, r.calls, r.input_tokens, r.output_tokens])).toEqual([
      ['openai', 'gpt-y', 1, 2000, 200],
      ['openai', 'gpt-x', 1, 1000, 100],
      ['scripted', 'default', 2, 300, 30],
    ]);
    expect(report.totals).toMatchObject({ calls: 4, input_tokens: 3300, output_tokens: 330 });
    expect(report.totals.cost_usd).toBeCloseTo(1.75);
  });

  it('keeps to the range asked for, both ends included', async () => {
    const report = await usageReport(s.services, alice, { from: dayOf(daysAgo(2)), to: dayOf(daysAgo(1)) });
    expect(report.days).toEqual([dayOf(daysAgo(2)), dayOf(daysAgo(1))]);
    expect(report.by_day.map((r) => r.input_tokens)).toEqual([2000, 1000]);
    const old = await usageReport(s.services, alice, { from: dayOf(daysAgo(45)), to: dayOf(daysAgo(30)) });
    expect(old.totals.input_tokens).toBe(99_999);
  });

  it("shows a user only their own usage and no one's per owner; the admin sees everyone's and each owner's", async () => {
    const bobs = await usageReport(s.services, bob, {});
    expect(bobs.by_day).toEqual([{ day: dayOf(today), provider: 'scripted', calls: 1, input_tokens: 40, output_tokens: 4, cost_usd: 0 }]);
    expect(bobs.by_model.map((r) => r.model)).toEqual(['default']);
    expect(bobs.by_owner).toBeNull();
    expect((await usageReport(s.services, alice, {})).by_owner).toBeNull();

    const all = await usageReport(s.services, admin, {});
    expect(all.totals).toMatchObject({ calls: 6, input_tokens: 3640, output_tokens: 364 });
    expect(all.by_day.filter((r) => r.day === dayOf(today)).map((r) => [r.provider, r.input_tokens])).toEqual([
      ['anthropic', 300],
      ['scripted', 340],
    ]);
    expect(all.by_owner?.map((r) => [r.owner_id, r.owner_name, r.calls, r.input_tokens + r.output_tokens])).toEqual([
      [alice.id, 'alice', 4, 3630],
      ['admin', null, 1, 330],
      [bob.id, 'bob', 1, 44],
    ]);
  });

  it("gives today's quota state of each limited backend, and of the backends the principal used today", async () => {
    const all = await usageReport(s.services, admin, {});
    expect(all.quota).toEqual([
      { provider: 'anthropic', used_tokens: 330, limit_tokens: 500 },
      { provider: 'scripted', used_tokens: 374, limit_tokens: 10000 },
    ]);
    expect(all.quota_resets_at).toBe(new Date(today.getTime() + DAY).toISOString());

    await record(bob.id, 'openai', 'gpt-x', 5, 5, 0, new Date());
    const bobs = await usageReport(s.services, bob, {});
    // The quota is the backend's for the whole server: its figures are everyone's today.
    expect(bobs.quota).toEqual([
      { provider: 'anthropic', used_tokens: 330, limit_tokens: 500 },
      { provider: 'openai', used_tokens: 10, limit_tokens: null },
      { provider: 'scripted', used_tokens: 374, limit_tokens: 10000 },
    ]);
    // Alice used no openai today: that backend has no limit, so it is not hers to see.
    expect((await usageReport(s.services, alice, {})).quota.map((q) => q.provider)).toEqual(['anthropic', 'scripted']);
  });
});

describe('usage.report over tRPC', () => {
  const client = () => createTRPCClient<AppRouter>({ links: [httpLink({ url: `${s.url}/api/trpc`, headers: { authorization: `Bearer ${s.adminToken}` } })] });

  async function refusal(input: { from?: string; to?: string }): Promise<string> {
    const err = await client()
      .usage.report.query(input)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
    return (err as Error).message;
  }

  it('answers with the report, and refuses bad dates, reversed ranges and ranges over the maximum', async () => {
    const report = await client().usage.report.query();
    expect(report.days).toHaveLength(14);
    // Where to follow the global stream from: a position, not a replay from the start.
    expect(report.stream_position).toMatch(/^\d+$/);
    expect(await refusal({ from: '2026-13-01' })).toContain('date');
    expect(await refusal({ from: 'yesterday' })).toContain('YYYY-MM-DD');
    expect(await refusal({ from: '2026-03-02', to: '2026-03-01' })).toContain('after');
    expect(await refusal({ from: '2026-01-01', to: '2026-06-01' })).toContain('at most 92');
    // Only `from`, far enough back that the range to today is too long: the use case refuses it.
    expect(await refusal({ from: dayOf(new Date(today.getTime() - 200 * DAY)) })).toContain('at most 92');
  });
});
