/** The zod building blocks every dialect shares: empty bodies, `{ok: true}`, pagination, id params, times. */
import { z } from 'zod';

/** An endpoint that takes nothing: a body-less POST arrives as undefined, and unknown fields are ignored. */
export const emptyInput = z.object({}).passthrough().optional();

export const ok = z.object({ ok: z.literal(true) });
export const OK = { ok: true } as const;

export const isoTime = z.string().describe('RFC 3339 UTC time');

/** `?limit=&offset=` as query strings (coerced), with a dialect's own bounds. */
export const pagination = (opts: { max?: number } = {}) =>
  z.object({
    limit: z.coerce.number().int().min(1).max(opts.max ?? 500).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  });

/** A path parameter holding an id, under the name the dialect's document uses. */
export const idParam = <K extends string>(name: K) => z.object({ [name]: z.string().min(1) } as { [P in K]: z.ZodString });

/** Stream endpoints: the cursor and the query-string credentials browsers' EventSource needs. */
export const streamQuery = z.object({ from_seq: z.string().optional(), access_token: z.string().optional(), token: z.string().optional() });
