'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { usePrincipal } from '@/components/shell/principal-context';
import { ErrorAlert } from '@/components/ui/error-alert';
import { DailyChart } from './daily-chart';
import { formatCost, formatDay, formatTokens, seriesColor, tokensOf, utcDayBefore } from './format';
import { ModelChart } from './model-chart';
import { OwnersTable } from './owners-table';
import { QuotaBars } from './quota-bars';
import { UsageLive } from './usage-live';
import './usage.css';

const RANGES = [7, 14, 30, 90] as const;

/** Tokens and cost by day, backend and model, today's quotas, and (for the admin) each owner's share. */
export function UsageView() {
  const trpc = useTRPC();
  const principal = usePrincipal();
  const rangeId = useId();
  const [days, setDays] = useState<(typeof RANGES)[number]>(14);
  const input = { from: utcDayBefore(days - 1), to: utcDayBefore(0) };
  const report = useQuery(trpc.usage.report.queryOptions(input, { placeholderData: keepPreviousData, refetchOnMount: 'always' }));
  const data = report.data;
  const isAdmin = principal.scopes.includes('admin');

  // One colour per backend, the same in every chart (sorted, so a backend keeps its colour as others come and go).
  const colors = useMemo(() => {
    const providers = [...new Set([...(data?.by_day ?? []).map((r) => r.provider), ...(data?.quota ?? []).map((q) => q.provider)])].sort();
    return new Map(providers.map((p, i) => [p, seriesColor(i)]));
  }, [data]);

  return (
    <div className="stack usage-page">
      <div className="page-head">
        <h1>Usage</h1>
        {data && <UsageLive />}
        <span className="spacer" />
        <div className="usage-range">
          <label htmlFor={rangeId}>Range</label>
          <select id={rangeId} value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof RANGES)[number])}>
            {RANGES.map((n) => (
              <option key={n} value={n}>
                Last {n} days
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted">
        Tokens and cost of every model call{isAdmin ? ' by every owner' : ' of your runs and sessions'}, per day (UTC)
        {data ? `, ${formatDay(data.from)} – ${formatDay(data.to)}` : ''}.
      </p>
      <ErrorAlert message={report.error ? `The usage could not be loaded: ${errorMessage(report.error)}` : null} />

      <section className="card" aria-labelledby="usage-totals-heading" aria-busy={report.isFetching}>
        <h2 id="usage-totals-heading" className="visually-hidden">
          Totals
        </h2>
        <dl className="usage-stats" data-testid="usage-totals">
          <div>
            <dt>Tokens</dt>
            <dd>{data ? formatTokens(tokensOf(data.totals)) : '…'}</dd>
            <dd className="muted">{data ? `${formatTokens(data.totals.input_tokens)} in / ${formatTokens(data.totals.output_tokens)} out` : ' '}</dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>{data ? formatCost(data.totals.cost_usd) : '…'}</dd>
          </div>
          <div>
            <dt>Model calls</dt>
            <dd>{data ? formatTokens(data.totals.calls) : '…'}</dd>
          </div>
        </dl>
      </section>

      <section className="card stack" aria-labelledby="usage-quota-heading">
        <h2 id="usage-quota-heading">Today&apos;s quotas</h2>
        {data ? <QuotaBars report={data} /> : <Placeholder height={48} />}
      </section>

      <div className="usage-grid">
        <section className="card stack" aria-labelledby="usage-tokens-heading">
          <h2 id="usage-tokens-heading">Tokens per day</h2>
          {data ? <DailyChart report={data} metric="tokens" colors={colors} /> : <Placeholder height={240} />}
        </section>
        <section className="card stack" aria-labelledby="usage-cost-heading">
          <h2 id="usage-cost-heading">Cost per day</h2>
          {data ? <DailyChart report={data} metric="cost" colors={colors} /> : <Placeholder height={240} />}
        </section>
      </div>

      <section className="card stack" aria-labelledby="usage-models-heading">
        <h2 id="usage-models-heading">By model</h2>
        {data ? <ModelChart report={data} /> : <Placeholder height={120} />}
      </section>

      {isAdmin && (
        <section className="card stack" aria-labelledby="usage-owners-heading">
          <h2 id="usage-owners-heading">By owner</h2>
          {data?.by_owner ? <OwnersTable owners={data.by_owner} total={tokensOf(data.totals)} /> : <Placeholder height={80} />}
        </section>
      )}
    </div>
  );
}

/** Holds a chart's place while the report loads, so nothing jumps when it arrives. */
function Placeholder({ height }: { height: number }) {
  return (
    <p className="muted usage-placeholder" style={{ minHeight: height }}>
      Loading…
    </p>
  );
}
