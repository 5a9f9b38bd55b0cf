/**
 * Go's duration syntax (`time.ParseDuration`), which EchoHelix's `window` query parameter uses:
 * an optional sign, then one or more decimal numbers each with a unit — `300ms`, `1.5h`, `1h30m`,
 * `.5s`, `2h45m10.5s` — units `ns`, `us` (`µs`, `μs`), `ms`, `s`, `m`, `h`; a bare `0` is zero.
 * Like Go, it refuses a number without a unit, an unknown unit, and anything over Go's limit of
 * 2^63-1 nanoseconds (about 292 years).
 */

const NANOS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const MAX_NANOS = 9_223_372_036_854_775_807;
const TERM = /(\d*)(?:\.(\d*))?([^\d.]*)/y;

export type ParsedDuration = { ok: true; ms: number } | { ok: false; message: string };

/** The duration in milliseconds (fractions kept), or why the text is not a Go duration. */
export function parseGoDuration(text: string): ParsedDuration {
  const bad = (why: string): ParsedDuration => ({ ok: false, message: `invalid duration "${text}": ${why}` });
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, ms: 0 };
  if (rest === '') return bad('expected a number and a unit, such as 24h or 90m');
  let nanos = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < rest.length) {
    const match = TERM.exec(rest);
    const [, whole = '', fraction, unit = ''] = match ?? [];
    if (!match || (whole === '' && (fraction ?? '') === '')) return bad('expected a number');
    if (unit === '') return bad('missing unit (ns, us, ms, s, m or h)');
    const perUnit = NANOS_PER_UNIT[unit];
    if (perUnit === undefined) return bad(`unknown unit "${unit}" (ns, us, ms, s, m or h)`);
    nanos += Number(`${whole || '0'}.${fraction || '0'}`) * perUnit;
    if (nanos > MAX_NANOS) return bad('longer than Go allows (about 292 years)');
  }
  return { ok: true, ms: (sign * nanos) / 1e6 };
}
