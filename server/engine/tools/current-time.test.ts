import { describe, expect, it } from 'vitest';
import { formatInZone } from './current-time';
import { runTool } from './registry';
import { makeWorkspace } from './test-support';

const ctx = () => {
  const ws = makeWorkspace();
  ws.cleanup();
  return ws.ctx();
};

describe('current_time', () => {
  it('formats a moment in a zone with its offset and weekday', () => {
    const moment = new Date('2025-03-01T13:05:09Z');
    expect(formatInZone(moment, 'Europe/Berlin')).toBe('2025-03-01 14:05:09 +01:00 (Saturday, Europe/Berlin)');
    expect(formatInZone(moment, 'America/New_York')).toBe('2025-03-01 08:05:09 -05:00 (Saturday, America/New_York)');
    expect(formatInZone(moment, 'UTC')).toBe('2025-03-01 13:05:09 +00:00 (Saturday, UTC)');
    expect(formatInZone(new Date('2025-07-01T00:30:00Z'), 'Asia/Kolkata')).toBe('2025-07-01 06:00:00 +05:30 (Tuesday, Asia/Kolkata)');
  });

  it('defaults to UTC and includes the ISO instant', async () => {
    const before = Date.now();
    const r = await runTool('current_time', {}, ctx());
    expect(r.isError).toBe(false);
    const [local, iso] = r.output.split('\n');
    expect(local).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00 \(\w+day, UTC\)$/);
    expect(Math.abs(Date.parse(iso!) - before)).toBeLessThan(5000);
  });

  it('accepts an IANA zone and refuses an unknown one', async () => {
    const r = await runTool('current_time', { timezone: 'Asia/Tokyo' }, ctx());
    expect(r.output).toMatch(/\+09:00 \(\w+day, Asia\/Tokyo\)\nUTC: \d{4}-/);
    expect(await runTool('current_time', { timezone: 'Mars/Olympus' }, ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/unknown time zone "Mars\/Olympus"/) });
  });
});
