import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { transactionBase } from './global-position';
import type { StoredEvent } from './streams';

/** A transaction or the database itself: appends run inside the caller's transaction. */
export type Tx = Pick<Db, 'execute' | 'select' | 'insert' | 'update' | 'delete'>;

export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
  /** Makes the append idempotent per stream: appending the same key again returns the first event. */
  idempotencyKey?: string;
}

/**
 * Appends events to one stream in a single statement: the events whose idempotency key the stream
 * has not seen yet reserve as many seqs from the stream's head (one upsert) and are inserted in the
 * order given. Reserving and inserting in the same statement keeps seqs gapless even when
 * transactions roll back (the head moves back with them). The events' global positions are
 * `firstOrdinal`, `firstOrdinal + 1`, … within the transaction (the caller counts them).
 * Returns the events written, in seq order, for publishing after commit.
 */
export async function appendEvents(tx: Tx, streamId: string, events: readonly NewEvent[], firstOrdinal: number): Promise<StoredEvent[]> {
  const rows = withoutRepeatedKeys(events).map(({ next, index }) => ({ o: firstOrdinal + index, t: next.type, d: next.data, k: next.idempotencyKey ?? null }));
  if (rows.length === 0) return [];
  const result = await tx.execute(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(o int, t text, d jsonb, k text)
    ), fresh as (
      select * from input
      where k is null or not exists (select 1 from event e where e.stream_id = ${streamId} and e.idempotency_key = input.k)
    ), counted as (
      select count(*)::int as n from fresh
    ), head as (
      insert into stream_head (stream_id, last_seq) select ${streamId}, n from counted where n > 0
      on conflict (stream_id) do update set last_seq = stream_head.last_seq + excluded.last_seq
      returning last_seq
    )
    insert into event (stream_id, seq, type, data, idempotency_key, global_pos)
    select ${streamId}, head.last_seq - counted.n + row_number() over (order by fresh.o), fresh.t, fresh.d, fresh.k, ${transactionBase} + fresh.o
    from fresh, counted, head
    returning seq, type, data, created_at, global_pos`);
  return rowsOf(result)
    .map((row) => ({
      streamId,
      seq: Number(row.seq),
      type: row.type as string,
      // Live readers get the data as the log stores it (jsonb orders keys its own way), so a replay and
      // the live stream are byte-for-byte the same.
      data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
      createdAt: new Date(row.created_at as string),
      globalPos: Number(row.global_pos),
    }))
    .sort((a, b) => a.seq - b.seq);
}

/** A key repeated within one batch is appended once, like a key the stream already has. */
function withoutRepeatedKeys(events: readonly NewEvent[]): Array<{ next: NewEvent; index: number }> {
  const seen = new Set<string>();
  const kept: Array<{ next: NewEvent; index: number }> = [];
  events.forEach((next, index) => {
    if (next.idempotencyKey !== undefined) {
      if (seen.has(next.idempotencyKey)) return;
      seen.add(next.idempotencyKey);
    }
    kept.push({ next, index });
  });
  return kept;
}

/** drizzle's execute answers rows (postgres.js) or `{ rows }` (PGlite). */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (result as { rows?: Array<Record<string, unknown>> }).rows ?? (result as Array<Record<string, unknown>>);
}
