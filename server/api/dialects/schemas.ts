/** Small zod building blocks the dialect adapters share. */
import { z } from 'zod';

/** A body-less POST arrives as undefined; treat it as an empty object. */
export const emptyInput = z.object({}).passthrough().optional();

export const ok = z.object({ ok: z.literal(true) });

export const isoTime = z.string().describe('RFC 3339 UTC time');
