import { fillPlaceholders, sql, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import { transactionBase } from './global-position';
import type { StoredEvent } from './streams';

/** A transaction or the database itself: appends run inside the caller's transaction. */
export type Tx = Pick<Db, 'execute' | 'select' | 'insert' | 'update' | 'delete' | '_'>;

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
  const statement = appendStatement(streamId, events, firstOrdinal);
  if (!statement) return [];
  const result = await executePrepared(tx, statement.query, statement.values);
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

const dialect = new PgDialect();
const p = (name: string) => sql.placeholder(name);
const RETURNING = sql`returning seq, type, data, created_at, global_pos`;

/**
 * The append statements, built once: their text never changes, so each is parsed and planned once
 * per connection (drizzle's `execute` would send it unprepared, re-planned on every call — most of an
 * append's cost). No idempotency keys is the common case (and the engine's hot path), kept as lean as
 * the planner likes it: every event is appended, all seqs reserved with one upsert. One event is bound
 * as plain parameters; a batch is unpacked from one JSON array.
 */
const leanAppend = (source: SQL) =>
  dialect.sqlToQuery(sql`
    with head as (
      insert into stream_head (stream_id, last_seq) values (${p('stream')}, ${p('n')}::int)
      on conflict (stream_id) do update set last_seq = stream_head.last_seq + excluded.last_seq
      returning last_seq
    )
    insert into event (stream_id, seq, type, data, global_pos)
    select ${p('stream')}, head.last_seq - ${p('n')}::int + x.i, x.t, x.d, ${transactionBase} + ${p('ordinalBefore')}::int + x.i
    from head, ${source}
    ${RETURNING}`);
const APPEND_ONE = leanAppend(sql`(select 1 as i, ${p('type')}::text as t, ${p('data')}::text::jsonb as d) x`);
const APPEND_MANY = leanAppend(sql`jsonb_to_recordset(${p('rows')}::text::jsonb) as x(i int, t text, d jsonb)`);
/**
 * Some events carry idempotency keys: only those whose key the stream has not seen yet reserve seqs
 * (as many as there are, numbered in the order given) and are inserted.
 */
const APPEND_KEYED = dialect.sqlToQuery(sql`
  with input as (
    select * from jsonb_to_recordset(${p('rows')}::text::jsonb) as x(o int, t text, d jsonb, k text)
  ), fresh as (
    select * from input
    where k is null or not exists (select 1 from event e where e.stream_id = ${p('stream')} and e.idempotency_key = input.k)
  ), counted as (
    select count(*)::int as n from fresh
  ), head as (
    insert into stream_head (stream_id, last_seq) select ${p('stream')}, n from counted where n > 0
    on conflict (stream_id) do update set last_seq = stream_head.last_seq + excluded.last_seq
    returning last_seq
  )
  insert into event (stream_id, seq, type, data, idempotency_key, global_pos)
  select ${p('stream')}, head.last_seq - counted.n + row_number() over (order by fresh.o), fresh.t, fresh.d, fresh.k, ${transactionBase} + fresh.o
  from fresh, counted, head
  ${RETURNING}`);

/** The one statement `appendEvents` sends and its values (null when there is nothing to append). */
export function appendStatement(streamId: string, events: readonly NewEvent[], firstOrdinal: number): { query: Query; values: Record<string, unknown> } | null {
  const kept = withoutRepeatedKeys(events);
  if (kept.length === 0) return null;
  if (kept.some(({ next }) => next.idempotencyKey !== undefined)) {
    const rows = kept.map(({ next, index }) => ({ o: firstOrdinal + index, t: next.type, d: next.data, k: next.idempotencyKey ?? null }));
    return { query: APPEND_KEYED, values: { stream: streamId, rows: JSON.stringify(rows) } };
  }
  // Without keys nothing was dropped: event i (1-based) of the batch is ordinal firstOrdinal - 1 + i.
  const lean = { stream: streamId, n: kept.length, ordinalBefore: firstOrdinal - 1 };
  if (kept.length === 1) return { query: APPEND_ONE, values: { ...lean, type: kept[0]!.next.type, data: JSON.stringify(kept[0]!.next.data) } };
  const rows = kept.map(({ next, index }) => ({ i: index + 1, t: next.type, d: next.data }));
  return { query: APPEND_MANY, values: { ...lean, rows: JSON.stringify(rows) } };
}

/** The statement's text and parameters, as a raw driver takes them (the benchmark's breakdown). */
export function renderAppend(streamId: string, events: readonly NewEvent[], firstOrdinal: number): { sql: string; params: unknown[] } | null {
  const statement = appendStatement(streamId, events, firstOrdinal);
  return statement && { sql: statement.query.sql, params: fillPlaceholders(statement.query.params, statement.values) };
}

interface KeptEvent {
  next: NewEvent;
  /** Its index in the batch as given: its ordinal is firstOrdinal + index. */
  index: number;
}

/** A key repeated within one batch is appended once, like a key the stream already has. */
function withoutRepeatedKeys(events: readonly NewEvent[]): KeptEvent[] {
  const seen = new Set<string>();
  const kept: KeptEvent[] = [];
  events.forEach((next, index) => {
    if (next.idempotencyKey !== undefined) {
      if (seen.has(next.idempotencyKey)) return;
      seen.add(next.idempotencyKey);
    }
    kept.push({ next, index });
  });
  return kept;
}

/**
 * Runs a statement as a prepared statement (postgres.js keeps one per distinct text per connection;
 * PGlite has one connection and takes it as it is). `query` is built once, with placeholders that
 * `values` fill.
 */
export async function executePrepared(tx: Pick<Db, '_'>, query: Query, values: Record<string, unknown> = {}): Promise<unknown> {
  return tx._.session.prepareQuery(query, undefined, 'event-log', false).execute(values);
}

/** Builds a query once, for `executePrepared`. */
export const buildQuery = (statement: SQL): Query => dialect.sqlToQuery(statement);

/** drizzle's execute answers rows (postgres.js) or `{ rows }` (PGlite). */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (result as { rows?: Array<Record<string, unknown>> }).rows ?? (result as Array<Record<string, unknown>>);
}
