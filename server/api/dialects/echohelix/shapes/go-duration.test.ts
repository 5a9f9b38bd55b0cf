import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration';

const ms = (text: string) => {
  const parsed = parseGoDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.ms;
};

describe('parseGoDuration (Go time.ParseDuration syntax)', () => {
  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['.5s', 500],
    ['5.s', 5000],
    ['2h45m10.5s', 9_910_500],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['1500μs', 1.5],
    ['2000000ns', 2],
    ['0', 0],
    ['+1m', 60_000],
    ['-1m', -60_000],
    ['1m1m', 120_000],
  ])('%s is %d ms', (text, expected) => {
    expect(ms(text)).toBeCloseTo(expected, 9);
  });

  it.each([
    ['', 'expected a number'],
    ['24', 'missing unit'],
    ['1d', 'unknown unit "d"'],
    ['h', 'expected a number'],
    ['.s', 'expected a number'],
    ['1..5h', 'missing unit'],
    ['1h 30m', 'unknown unit "h "'],
    ['-', 'expected a number'],
    ['3000000h', 'longer than Go allows'],
  ])('refuses %j (%s)', (text, why) => {
    const parsed = parseGoDuration(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(why);
  });
});
