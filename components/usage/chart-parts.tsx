'use client';
/** What the Usage page's charts share: the theme's colours for axes and tooltips, a legend in HTML, a table alternative. */
import type { ReactNode } from 'react';

export const AXIS_TICK = { fill: 'var(--color-muted)', fontSize: 12 };
export const AXIS_LINE = { stroke: 'var(--color-border)' };
export const GRID_STROKE = 'var(--color-border)';
export const TOOLTIP_PROPS = {
  contentStyle: {
    background: 'var(--color-surface)',
    border: '1px solid var(--color-border)',
    borderRadius: 6,
    color: 'var(--color-text)',
    fontSize: 13,
  },
  labelStyle: { color: 'var(--color-text)', fontWeight: 600 },
  itemStyle: { color: 'var(--color-text)' },
  cursor: { fill: 'var(--color-chip-bg)' },
} as const;

/** The series of a chart, as swatches with their names (plain text, so it reads well in both themes). */
export function SeriesLegend({ series }: { series: Array<{ name: string; color: string }> }) {
  if (series.length === 0) return null;
  return (
    <ul className="usage-legend" aria-label="Legend">
      {series.map((s) => (
        <li key={s.name}>
          <span className="usage-swatch" style={{ background: s.color }} aria-hidden="true" />
          <span className="mono">{s.name}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * A chart with its words: the chart is one image with a short label (screen readers read the
 * summary and the table instead of the shapes), the summary is shown to everyone, the table is one
 * click away.
 */
export function ChartFigure({
  label,
  summary,
  height,
  legend,
  table,
  tableLabel = 'Show the numbers as a table',
  tableVisible = false,
  children,
}: {
  label: string;
  summary: ReactNode;
  height: number;
  legend?: ReactNode;
  table: ReactNode;
  tableLabel?: string;
  /** Show the table under the chart instead of behind a disclosure. */
  tableVisible?: boolean;
  children: ReactNode;
}) {
  return (
    <figure className="usage-figure">
      <div className="usage-chart" role="img" aria-label={label} style={{ height }}>
        {children}
      </div>
      {legend}
      <figcaption className="usage-summary" data-testid="chart-summary">
        {summary}
      </figcaption>
      {tableVisible ? (
        table
      ) : (
        <details className="usage-table-toggle">
          <summary>{tableLabel}</summary>
          {table}
        </details>
      )}
    </figure>
  );
}
