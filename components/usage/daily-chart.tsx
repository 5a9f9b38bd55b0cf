'use client';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_LINE, AXIS_TICK, ChartFigure, GRID_STROKE, SeriesLegend, TOOLTIP_PROPS } from './chart-parts';
import { formatCost, formatDay, formatTokens, formatTokensShort, type UsageReport } from './format';

type Metric = 'tokens' | 'cost';

const valueOf = (row: UsageReport['by_day'][number], metric: Metric) => (metric === 'tokens' ? row.input_tokens + row.output_tokens : row.cost_usd);
const format = (metric: Metric, n: number) => (metric === 'tokens' ? formatTokens(n) : formatCost(n));

/** One bar per UTC day, stacked by backend: tokens (input + output) or cost. */
export function DailyChart({ report, metric, colors }: { report: UsageReport; metric: Metric; colors: Map<string, string> }) {
  const providers = [...new Set(report.by_day.map((r) => r.provider))].sort();
  const rows = report.days.map((day) => {
    const row: Record<string, number | string> = { day, label: formatDay(day) };
    for (const p of providers) row[p] = 0;
    let total = 0;
    for (const r of report.by_day.filter((x) => x.day === day)) {
      row[r.provider] = valueOf(r, metric);
      total += valueOf(r, metric);
    }
    row.total = total;
    return row as Record<string, number> & { day: string; label: string; total: number };
  });
  const total = rows.reduce((sum, r) => sum + r.total, 0);
  const busiest = rows.reduce<(typeof rows)[number] | undefined>((best, r) => (r.total > 0 && (!best || r.total > best.total) ? r : best), undefined);
  const activeDays = rows.filter((r) => r.total > 0).length;
  const what = metric === 'tokens' ? 'Tokens' : 'Cost';
  const range = `${formatDay(report.from)} – ${formatDay(report.to)}`;

  const summary =
    total === 0 ? (
      <>No {metric === 'tokens' ? 'tokens' : 'cost'} recorded from {range}.</>
    ) : metric === 'tokens' ? (
      <>
        <strong>{formatTokens(total)} tokens</strong> ({formatTokens(report.totals.input_tokens)} in, {formatTokens(report.totals.output_tokens)} out) on{' '}
        {activeDays} of {rows.length} days; the busiest was {formatDay(busiest!.day, true)} with {formatTokens(busiest!.total)}.
      </>
    ) : (
      <>
        <strong>{formatCost(total)}</strong> in total from {range}; the most on {formatDay(busiest!.day, true)}: {formatCost(busiest!.total)}.
      </>
    );

  return (
    <ChartFigure
      label={`${what} per day from ${range}, stacked by backend`}
      summary={summary}
      height={240}
      legend={<SeriesLegend series={providers.map((p) => ({ name: p, color: colors.get(p)! }))} />}
      table={
        <div className="table-wrap" role="region" aria-label={`${what} per day, scrollable`} tabIndex={0}>
          <table className="table">
            <caption className="visually-hidden">
              {what} per day and backend
            </caption>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                {providers.map((p) => (
                  <th scope="col" key={p} className="num">
                    {p}
                  </th>
                ))}
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.day}>
                  <th scope="row">{formatDay(r.day, true)}</th>
                  {providers.map((p) => (
                    <td key={p} className="num">
                      {format(metric, r[p] ?? 0)}
                    </td>
                  ))}
                  <td className="num">{format(metric, r.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke={GRID_STROKE} />
          <XAxis dataKey="label" tick={AXIS_TICK} axisLine={AXIS_LINE} tickLine={false} interval="preserveStartEnd" minTickGap={12} />
          <YAxis
            tick={AXIS_TICK}
            axisLine={false}
            tickLine={false}
            width={metric === 'tokens' ? 44 : 56}
            allowDecimals={metric === 'cost'}
            tickFormatter={(n: number) => (metric === 'tokens' ? formatTokensShort(n) : formatCost(n))}
          />
          <Tooltip {...TOOLTIP_PROPS} formatter={(value) => format(metric, Number(value))} />
          {providers.map((p) => (
            <Bar key={p} dataKey={p} name={p} stackId="day" fill={colors.get(p)} isAnimationActive={false} maxBarSize={48} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
