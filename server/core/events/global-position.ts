/**
 * Where an event sits in the global stream, without a shared counter: the id of the transaction that
 * wrote it × 65536 + its ordinal within that transaction. Transaction ids only grow, so positions are
 * unique and ordered by transaction; two appends never touch a common row.
 *
 * A transaction with a smaller id may commit after a larger one, so a position can appear below one
 * already read. The reader's fence rules that out: every transaction below the oldest one still
 * running (the snapshot's xmin) has finished, so nothing can ever appear below `xmin × 65536`.
 * Reading only below that fence makes a single numeric cursor exact: nothing is skipped, nothing
 * repeated. An older transaction still running holds newer events back until it ends.
 *
 * 2^37 transactions × 65536 stays below 2^53, so a position is a safe JavaScript number (16 digits).
 */
import { sql } from 'drizzle-orm';

/** Positions reserved per transaction; ordinal 0 is unused, so a transaction appends at most 65,535 events. */
export const POSITIONS_PER_TRANSACTION = 65_536;
export const MAX_EVENTS_PER_TRANSACTION = POSITIONS_PER_TRANSACTION - 1;

/** The first position of the current transaction (assigns it an id if it has none yet). */
export const transactionBase = sql`(pg_current_xact_id()::text::bigint * ${sql.raw(String(POSITIONS_PER_TRANSACTION))})`;

/** Every position below this is final: no transaction that could still add one is running. */
export const globalFence = sql`(pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${sql.raw(String(POSITIONS_PER_TRANSACTION))})`;

export class TooManyEventsError extends Error {
  constructor(count: number) {
    super(`a transaction may append at most ${MAX_EVENTS_PER_TRANSACTION} events (this one tried ${count})`);
    this.name = 'TooManyEventsError';
  }
}
