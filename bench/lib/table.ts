/** Plain-text tables and number formatting for the bench report (stdout, no colours: it gets pasted). */

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function fmtRate(n: number): string {
  return Number.isFinite(n) ? `${fmtInt(n)}/s` : 'n/a';
}

/** Switchboard / baseline: below 1 means Switchboard is slower. */
export function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

export function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms` : 'n/a';
}

/** Spread of the rounds as min..max around the median, so a noisy case is visible as such. */
export function fmtSpread(min: number, max: number, med: number, rounds = 2): string {
  if (rounds < 2) return '(1 round)';
  if (!Number.isFinite(med) || med === 0) return '';
  const lo = ((min - med) / med) * 100;
  const hi = ((max - med) / med) * 100;
  return `${lo.toFixed(0)}%/+${hi.toFixed(0)}%`;
}

export function heading(title: string): void {
  console.log(`\n${title}\n${'='.repeat(title.length)}`);
}

/** Columns whose header starts with a digit-ish metric are right-aligned; text columns left. */
export function printTable(headers: string[], rows: string[][], rightAlign: boolean[] = headers.map((_, i) => i > 0)): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(headers.map((_, i) => r[i] ?? '')));
}
