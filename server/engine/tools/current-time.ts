import { z } from 'zod';
import type { Tool } from './types';
import { ToolInputError } from './workspace-path';

const input = z.object({
  timezone: z
    .string()
    .optional()
    .describe('IANA time zone such as "Europe/Berlin" or "America/New_York" (default UTC).'),
});
export type CurrentTimeInput = z.infer<typeof input>;

/** `2025-03-01 14:05:09 +01:00 (Saturday, Europe/Berlin)` for `now` in `timeZone`. */
export function formatInZone(now: Date, timeZone: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'long',
      timeZoneName: 'longOffset',
    }).formatToParts(now);
  } catch {
    throw new ToolInputError(`unknown time zone ${JSON.stringify(timeZone)}; use an IANA name such as "Europe/Berlin"`);
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // `longOffset` reads "GMT+01:00", or just "GMT" at zero offset.
  const offset = get('timeZoneName').replace(/^GMT/, '') || '+00:00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${offset} (${get('weekday')}, ${timeZone})`;
}

export const currentTimeTool: Tool<CurrentTimeInput> = {
  name: 'current_time',
  description: 'The current date and time, in UTC or in the given IANA time zone.',
  category: 'none',
  input,
  summarize: (i) => `current time${i.timezone ? ` in ${i.timezone}` : ''}`,
  async run(i) {
    const now = new Date();
    const zone = i.timezone?.trim() || 'UTC';
    const local = formatInZone(now, zone);
    return { output: zone === 'UTC' ? `${local}\n${now.toISOString()}` : `${local}\nUTC: ${now.toISOString()}`, isError: false };
  },
};
