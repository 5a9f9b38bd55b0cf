import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { buildQuery, executePrepared, rowsOf } from './append-event';
import { globalFence } from './global-position';
import type { StoredEvent } from './streams';

export interface GlobalPage {
  /** Events with `globalPos` > the cursor and below the fence, in order: final, nothing can appear between them later. */
  events: StoredEvent[];
  /** Committed events exist at or above the fence: an older transaction still running holds them back. */
  heldBack: boolean;
}

const READ_PAGE = buildQuery(sql`
  with fence as (
    select f.pos, exists (select 1 from event h where h.global_pos >= f.pos) as held_back
    from (select ${globalFence} as pos) f
  )
  select e.stream_id, e.seq, e.type, e.data, e.created_at, e.global_pos, fence.held_back
  from fence
  left join lateral (
    select * from event
    where global_pos > ${sql.placeholder('after')}::bigint and global_pos < fence.pos
    order by global_pos limit ${sql.placeholder('limit')}::int
  ) e on true
  order by e.global_pos`);

const READ_FENCE = buildQuery(sql`select ${globalFence} as pos`);

/**
 * One page of the global stream after `afterPos` (see global-position.ts for why reading below the
 * fence, taken in the same statement, makes the cursor exact).
 */
export async function readGlobal(db: Db, afterPos: number, limit = 500): Promise<GlobalPage> {
  const rows = rowsOf(await executePrepared(db, READ_PAGE, { after: afterPos, limit }));
  const heldBack = rows.some((r) => r.held_back === true || r.held_back === 't');
  const events = rows
    .filter((r) => r.global_pos !== null && r.global_pos !== undefined)
    .map((r) => ({
      streamId: r.stream_id as string,
      seq: Number(r.seq),
      type: r.type as string,
      data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
      createdAt: new Date(r.created_at as string),
      globalPos: Number(r.global_pos),
    }));
  return { events, heldBack };
}

/** The current fence: the tail of the global stream starts just below it (everything under it is history). */
export async function currentGlobalFence(db: Db): Promise<number> {
  const [row] = rowsOf(await executePrepared(db, READ_FENCE));
  return Number(row!.pos);
}
