/**
 * tokenUsage and quotaReport over a ledger written directly: what counts as one unit of work, the
 * window's ends, owner scoping, and which quota figures are server-wide and which the owner's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageRecord } from '@/db/schema';
import { adminPrincipal, type Principal } from '@/server/auth/principal';
import { USER_SCOPES } from '@/server/auth/scopes';
import { AppError } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { quotaReport } from './quota-report';
import { tokenUsage } from './token-usage';

const user = (id: string): Principal => ({ kind: 'user', id, userId: id, ownerId: id, name: id, scopes: new Set(USER_SCOPES), credentials: [] });
const alice = user('usr_alice');
const bob = user('usr_bob');
const at = new Date(Date.now() - 60_000);
const wide = { from: new Date(at.getTime() - 3_600_000), to: new Date(at.getTime() + 3_600_000) };

let s: TestServer;

async function record(ownerId: string, provider: string, tokens: [number, number], work: { runId?: string; turnId?: string; sessionId?: string } = {}) {
  const [inputTokens, outputTokens] = tokens;
  await s.services.db.insert(usageRecord).values({ id: newId('use'), stepId: newId('stp'), provider, model: 'm', inputTokens, outputTokens, costUsd: 0, principalId: ownerId, ownerId, createdAt: at, ...work });
}

beforeAll(async () => {
  s = await startTestServer({ DAILY_TOKEN_QUOTA: 'scripted:1000' });
  // Alice: a run of two calls, a session turn, and a call outside both (a generated spec).
  await record(alice.id, 'scripted', [10, 1], { runId: 'run_a' });
  await record(alice.id, 'scripted', [20, 2], { runId: 'run_a' });
  await record(alice.id, 'scripted', [30, 3], { sessionId: 'sess_a', turnId: 'turn_a' });
  await record(alice.id, 'openai', [40, 4]);
  await record(bob.id, 'openai', [500, 50], { runId: 'run_b' });
  await record(bob.id, 'scripted', [100, 0], { runId: 'run_b2' });
}, 60_000);
afterAll(() => s.close());

describe('tokenUsage', () => {
  it("counts a run once, a turn once and a lone call once, over the owner's usage; the admin's is everyone's", async () => {
    const mine = await tokenUsage(s.services, alice, wide);
    expect(mine.totals).toEqual({ work_count: 3, input_tokens: 100, output_tokens: 10, total_tokens: 110 });
    expect(mine.by_provider).toEqual([
      { provider: 'openai', work_count: 1, input_tokens: 40, output_tokens: 4, total_tokens: 44 },
      { provider: 'scripted', work_count: 2, input_tokens: 60, output_tokens: 6, total_tokens: 66 },
    ]);
    expect((await tokenUsage(s.services, adminPrincipal(), wide)).totals).toEqual({ work_count: 5, input_tokens: 700, output_tokens: 60, total_tokens: 760 });
    expect((await tokenUsage(s.services, alice, { ...wide, provider: 'openai' })).totals.work_count).toBe(1);
  });

  it('includes both ends of the window and refuses one that ends before it starts, naming the field', async () => {
    expect((await tokenUsage(s.services, alice, { from: at, to: at })).totals.work_count).toBe(3);
    expect((await tokenUsage(s.services, alice, { from: new Date(at.getTime() + 1), to: wide.to })).totals.work_count).toBe(0);
    const refusal = await tokenUsage(s.services, alice, { from: wide.to, to: wide.from, fields: { from: 'since' } }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ kind: 'BAD_REQUEST', field: 'since' });
  });
});

describe('quotaReport', () => {
  it("reports a limited backend's server-wide total (what refusals count) and an unlimited one's own usage only", async () => {
    const { items } = await quotaReport(s.services, alice, {});
    const scripted = items.find((q) => q.provider === 'scripted');
    expect(scripted).toMatchObject({ limit_tokens: 1000, used_tokens: 166, remaining_tokens: 834, exceeded: false });
    expect((await quotaReport(s.services, alice, { provider: 'openai' })).items).toMatchObject([{ provider: 'openai', limit_tokens: null, used_tokens: 44, remaining_tokens: null, exceeded: false }]);
    expect((await quotaReport(s.services, adminPrincipal(), { provider: 'openai' })).items[0]!.used_tokens).toBe(594);
  });
});
