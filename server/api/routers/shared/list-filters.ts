/** The input of a work list (runs, sessions): a page, and what the list can be narrowed to. */
import { z } from 'zod';

/**
 * `owner` narrows within the caller's scope (only the admin sees other owners); `q` is text the
 * prompt (runs) or title (sessions) contains.
 */
export function listFiltersInput<S extends readonly [string, ...string[]]>(statuses: S) {
  return z
    .object({
      limit: z.number().int().min(1).max(200).default(50),
      offset: z.number().int().min(0).default(0),
      status: z.array(z.enum(statuses)).max(statuses.length).optional(),
      workspace: z.string().min(1).max(4096).optional(),
      model: z.string().min(1).max(200).optional(),
      origin: z.string().min(1).max(64).optional(),
      owner: z.string().min(1).max(200).optional(),
      q: z.string().max(200).optional(),
    })
    .default({ limit: 50, offset: 0 });
}
