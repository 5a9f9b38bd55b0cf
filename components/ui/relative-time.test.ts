import { describe, expect, it } from 'vitest';
import { formatRelative } from './relative-time';

const now = Date.parse('2026-03-10T12:00:00Z');
const ago = (seconds: number) => now - seconds * 1000;

describe('formatRelative', () => {
  it('says "just now" for the last seconds and "in a moment" for the next', () => {
    expect(formatRelative(ago(5), now)).toBe('just now');
    expect(formatRelative(now + 10_000, now)).toBe('in a moment');
  });

  it('counts minutes, hours and days in the largest whole unit', () => {
    expect(formatRelative(ago(3 * 60), now)).toBe('3 min. ago');
    expect(formatRelative(ago(2 * 3600 + 60), now)).toBe('2 hr. ago');
    expect(formatRelative(ago(86_400), now)).toBe('yesterday');
    expect(formatRelative(ago(3 * 86_400), now)).toBe('3 days ago');
    expect(formatRelative(now + 5 * 60_000, now)).toBe('in 5 min.');
  });

  it('gives the date for anything older than a week', () => {
    const text = formatRelative(ago(30 * 86_400), now);
    expect(text).not.toMatch(/ago/);
    expect(text).toMatch(/2026/);
  });
});
