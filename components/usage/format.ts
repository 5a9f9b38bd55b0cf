/** Numbers, days and colours for the Usage page. */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

export type UsageReport = inferRouterOutputs<AppRouter>['usage']['report'];
export type UsageTotals = UsageReport['totals'];
export type QuotaState = UsageReport['quota'][number];

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export const formatTokens = (n: number): string => integer.format(n);
export const formatTokensShort = (n: number): string => compact.format(n);

/** Dollars: cents for ordinary sums, more places for the fractions of a cent cheap calls cost. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** `2026-12-02` as `Dec 2` (the day is a UTC day, so it is shown in UTC). */
export function formatDay(day: string, withWeekday = false): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en', {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
    ...(withWeekday ? { weekday: 'short' } : {}),
  });
}

export const tokensOf = (t: Pick<UsageTotals, 'input_tokens' | 'output_tokens'>): number => t.input_tokens + t.output_tokens;

/** A backend's colour: a CSS variable from usage.css (8 colours, each readable on both themes). */
export function seriesColor(index: number): string {
  return `var(--usage-series-${index % 8})`;
}

/** The UTC day `daysBack` days before today, as `YYYY-MM-DD`. */
export function utcDayBefore(daysBack: number, now = new Date()): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - daysBack * 86_400_000).toISOString().slice(0, 10);
}

export type QuotaLevel = 'ok' | 'warn' | 'bad' | 'none';

/** Calm below 75 %, a warning from 75 %, used up at 100 %. */
export function quotaLevel(q: QuotaState): QuotaLevel {
  if (q.limit_tokens === null) return 'none';
  if (q.limit_tokens <= 0 || q.used_tokens >= q.limit_tokens) return 'bad';
  return q.used_tokens / q.limit_tokens >= 0.75 ? 'warn' : 'ok';
}
