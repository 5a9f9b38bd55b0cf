'use client';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_LINE, AXIS_TICK, ChartFigure, GRID_STROKE, SeriesLegend, TOOLTIP_PROPS } from './chart-parts';
import { formatCost, formatTokens, formatTokensShort, tokensOf, type UsageReport } from './format';

const INPUT = 'var(--usage-input)';
const OUTPUT = 'var(--usage-output)';
const MAX_BARS = 12;

/** Tokens per model (input and output stacked), the busiest first, with a table of calls, tokens and cost. */
export function ModelChart({ report }: { report: UsageReport }) {
  const models = report.by_model;
  const rows = models.slice(0, MAX_BARS).map((m) => ({ name: `${m.provider}:${m.model}`, input: m.input_tokens, output: m.output_tokens }));
  const total = tokensOf(report.totals);
  const top = models[0];
  const summary =
    !top || total === 0 ? (
      <>No model was called in this range.</>
    ) : (
      <>
        {models.length} model{models.length === 1 ? '' : 's'} used; <span className="mono">{`${top.provider}:${top.model}`}</span> took the most:{' '}
        {formatTokens(tokensOf(top))} tokens ({Math.round((tokensOf(top) / total) * 100)}%), {formatCost(top.cost_usd)}.
      </>
    );

  return (
    <ChartFigure
      label="Tokens per model, input and output"
      summary={summary}
      height={Math.max(rows.length, 1) * 36 + 40}
      legend={
        <SeriesLegend
          series={[
            { name: 'input', color: INPUT },
            { name: 'output', color: OUTPUT },
          ]}
        />
      }
      tableVisible
      table={
        <div className="table-wrap" role="region" aria-label="Usage per model, scrollable" tabIndex={0}>
          <table className="table" aria-label="Usage per model">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Calls
                </th>
                <th scope="col" className="num">
                  Input
                </th>
                <th scope="col" className="num">
                  Output
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={`${m.provider}:${m.model}`}>
                  <th scope="row" className="mono break">
                    {m.provider}:{m.model}
                  </th>
                  <td className="num">{formatTokens(m.calls)}</td>
                  <td className="num">{formatTokens(m.input_tokens)}</td>
                  <td className="num">{formatTokens(m.output_tokens)}</td>
                  <td className="num">{formatCost(m.cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid horizontal={false} stroke={GRID_STROKE} />
          <XAxis type="number" tick={AXIS_TICK} axisLine={AXIS_LINE} tickLine={false} allowDecimals={false} tickFormatter={(n: number) => formatTokensShort(n)} />
          <YAxis
            type="category"
            dataKey="name"
            tick={AXIS_TICK}
            axisLine={false}
            tickLine={false}
            width={120}
            tickFormatter={(name: string) => (name.length > 18 ? `${name.slice(0, 17)}…` : name)}
          />
          <Tooltip {...TOOLTIP_PROPS} formatter={(value) => formatTokens(Number(value))} />
          <Bar dataKey="input" name="input" stackId="model" fill={INPUT} isAnimationActive={false} maxBarSize={22} />
          <Bar dataKey="output" name="output" stackId="model" fill={OUTPUT} isAnimationActive={false} maxBarSize={22} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}
