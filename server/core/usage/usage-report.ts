/**
 * The usage ledger for charts: tokens and cost per UTC day and backend, per model, per owner (the
 * admin only), and today's state of each backend's daily token quota (DAILY_TOKEN_QUOTA).
 *
 * Scope: the principal's own usage (the admin's: everyone's), through `ownedWhere`. The quota is a
 * backend's limit for the whole server, so its figures are the backend's total for today, the same
 * numbers a refused call reports (see quota.ts).
 */
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { user, usageRecord } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere, seesEveryOwner } from '@/server/core/access/owner-scope';
import { currentGlobalFence } from '@/server/core/events/read-global';
import { AppError } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { tokensUsedToday, utcDayStart } from './quota';
import { usageRowSchema, usageTotalsSchema } from './usage-dto';
import { usageSummary } from './usage-summary';

const DAY_MS = 86_400_000;
/** The days shown when no range is asked for: today and the 13 before it. */
export const DEFAULT_REPORT_DAYS = 14;
/** The longest range one report covers. */
export const MAX_REPORT_DAYS = 92;

const dayString = (d: Date) => d.toISOString().slice(0, 10);
const dayDate = (s: string) => new Date(`${s}T00:00:00Z`);

/** A UTC calendar day, `YYYY-MM-DD`. */
export const utcDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(dayDate(s).getTime()) && dayString(dayDate(s)) === s, 'not a valid date')
  .describe('UTC day, YYYY-MM-DD');

export const usageReportInputSchema = z
  .object({
    /** The first day of the range (inclusive). Default: 13 days before `to`. */
    from: utcDay.optional(),
    /** The last day of the range (inclusive). Default: today (UTC). */
    to: utcDay.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.from || !v.to) return;
    const span = (dayDate(v.to).getTime() - dayDate(v.from).getTime()) / DAY_MS + 1;
    if (span < 1) ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${v.from}) is after to (${v.to})` });
    else if (span > MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['from'], message: `the range covers ${span} days; at most ${MAX_REPORT_DAYS} are allowed` });
  })
  .default({});
export type UsageReportInput = z.input<typeof usageReportInputSchema>;

export const usageDayRowSchema = usageTotalsSchema.extend({ day: utcDay, provider: z.string() });
export const usageOwnerRowSchema = usageTotalsSchema.extend({ owner_id: z.string(), owner_name: z.string().nullable() });
export const quotaStateSchema = z.object({
  provider: z.string(),
  /** Tokens (input + output) the backend has used today (UTC), across all owners. */
  used_tokens: z.number(),
  /** The daily limit, or null when DAILY_TOKEN_QUOTA sets none for this backend. */
  limit_tokens: z.number().nullable(),
});

export const usageReportSchema = z.object({
  from: utcDay,
  to: utcDay,
  /** Every day of the range, in order (days without usage included). */
  days: z.array(utcDay),
  by_day: z.array(usageDayRowSchema),
  by_model: z.array(usageRowSchema),
  /** Per owner, for the admin; null for everyone else. */
  by_owner: z.array(usageOwnerRowSchema).nullable(),
  totals: usageTotalsSchema,
  /** Today's quota state of each backend with a limit or with usage today. */
  quota: z.array(quotaStateSchema),
  /** When today's quota figures start over (the next UTC midnight). */
  quota_resets_at: z.string(),
  /**
   * The global event stream's position this report is complete up to: follow `events.global` from
   * here (`lastEventId`) and refetch on `usage_recorded`, and no usage is missed or replayed.
   */
  stream_position: z.string(),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

function rangeOf(input: z.output<typeof usageReportInputSchema>, now: Date): { from: string; to: string; days: string[] } {
  const to = input.to ?? dayString(now);
  const from = input.from ?? dayString(new Date(dayDate(to).getTime() - (DEFAULT_REPORT_DAYS - 1) * DAY_MS));
  const span = Math.round((dayDate(to).getTime() - dayDate(from).getTime()) / DAY_MS) + 1;
  if (span < 1) throw new AppError('BAD_REQUEST', `from (${from}) is after to (${to})`, { field: 'from' });
  if (span > MAX_REPORT_DAYS) throw new AppError('BAD_REQUEST', `the range covers ${span} days; at most ${MAX_REPORT_DAYS} are allowed`, { field: 'from' });
  const days = Array.from({ length: span }, (_, i) => dayString(new Date(dayDate(from).getTime() + i * DAY_MS)));
  return { from, to, days };
}

const sums = {
  calls: sql<string>`count(*)`,
  input: sql<string>`coalesce(sum(${usageRecord.inputTokens}), 0)`,
  output: sql<string>`coalesce(sum(${usageRecord.outputTokens}), 0)`,
  cost: sql<string>`coalesce(sum(${usageRecord.costUsd}), 0)`,
};
const totalsOf = (r: { calls: string; input: string; output: string; cost: string }) => ({
  calls: Number(r.calls),
  input_tokens: Number(r.input),
  output_tokens: Number(r.output),
  cost_usd: Number(r.cost),
});

/** The principal's usage over a range of UTC days (the admin's: everyone's, and per owner), and today's quotas. */
export async function usageReport(deps: WorkDeps, principal: Principal, rawInput: UsageReportInput = {}): Promise<UsageReport> {
  const input = usageReportInputSchema.parse(rawInput);
  const now = new Date();
  const { from, to, days } = rangeOf(input, now);
  const window = { from: dayDate(from), to: new Date(dayDate(to).getTime() + DAY_MS) };
  const inWindow = and(gte(usageRecord.createdAt, window.from), lt(usageRecord.createdAt, window.to))!;
  const scoped = ownedWhere(principal, usageRecord.ownerId, inWindow);
  // Read before the sums: every usage event below the fence is committed, so the sums include it.
  const streamPosition = (await currentGlobalFence(deps.db)) - 1;

  // Per model, and the totals: the summary's own query over the same window and scope.
  const summary = await usageSummary(deps, principal, window);

  const day = sql<string>`to_char(${usageRecord.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const dayRows = await deps.db
    .select({ day, provider: usageRecord.provider, ...sums })
    .from(usageRecord)
    .where(scoped)
    .groupBy(day, usageRecord.provider)
    .orderBy(day, usageRecord.provider);

  let byOwner: UsageReport['by_owner'] = null;
  if (seesEveryOwner(principal)) {
    const ownerRows = await deps.db
      .select({ ownerId: usageRecord.ownerId, name: sql<string | null>`max(coalesce(${user.username}, ${user.name}))`, ...sums })
      .from(usageRecord)
      .leftJoin(user, eq(user.id, usageRecord.ownerId))
      .where(scoped)
      .groupBy(usageRecord.ownerId);
    byOwner = ownerRows
      .map((r) => ({ owner_id: r.ownerId, owner_name: r.name ?? null, ...totalsOf(r) }))
      .sort((a, b) => b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens) || a.owner_id.localeCompare(b.owner_id));
  }

  // Today's quota state: every backend with a limit, and every backend the principal used today (no limit: null).
  const usedToday = await deps.db
    .selectDistinct({ provider: usageRecord.provider })
    .from(usageRecord)
    .where(ownedWhere(principal, usageRecord.ownerId, gte(usageRecord.createdAt, utcDayStart(now))));
  const providers = [...new Set([...deps.env.dailyTokenQuota.keys(), ...usedToday.map((r) => r.provider)])].sort();
  const quota = await Promise.all(
    providers.map(async (provider) => ({ provider, used_tokens: await tokensUsedToday(deps.db, provider), limit_tokens: deps.env.dailyTokenQuota.get(provider) ?? null })),
  );

  return {
    from,
    to,
    days,
    by_day: dayRows.map((r) => ({ day: r.day, provider: r.provider, ...totalsOf(r) })),
    by_model: [...summary.rows].sort((a, b) => b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens) || a.model.localeCompare(b.model)),
    by_owner: byOwner,
    totals: summary.totals,
    quota,
    quota_resets_at: new Date(utcDayStart(now).getTime() + DAY_MS).toISOString(),
    stream_position: String(Math.max(streamPosition, 0)),
  };
}
