import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { event } from '@/db/schema';
import { GLOBAL_STREAM, type StoredEvent } from './streams';

/** A transaction or the database itself: appends run inside the caller's transaction. */
export type Tx = Pick<Db, 'execute' | 'select' | 'insert' | 'update' | 'delete'>;

export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
  /** Makes the append idempotent per stream: appending the same key again returns the first event. */
  idempotencyKey?: string;
}

/**
 * Appends one event to a stream: the seq is reserved from the stream's head and the event inserted
 * in a single statement, so seqs stay gapless even when transactions roll back (the head moves back
 * with them). Also appends a copy to the global stream, which names the origin stream and seq.
 * Returns the events written (the stream's own first), for publishing after commit.
 */
export async function appendEvent(tx: Tx, streamId: string, next: NewEvent): Promise<StoredEvent[]> {
  if (next.idempotencyKey) {
    const existing = await tx
      .select()
      .from(event)
      .where(and(eq(event.streamId, streamId), eq(event.idempotencyKey, next.idempotencyKey)))
      .limit(1);
    if (existing[0]) return [];
  }
  return insertWithGlobalCopy(tx, streamId, next.type, next.data, next.idempotencyKey ?? null);
}

/**
 * One round trip for both appends: the stream's event and its copy in the global stream, each with
 * its seq reserved from its head in the same statement that inserts it.
 */
async function insertWithGlobalCopy(tx: Tx, streamId: string, type: string, data: Record<string, unknown>, key: string | null): Promise<StoredEvent[]> {
  const result = await tx.execute(sql`
    with own_head as (
      insert into stream_head (stream_id, last_seq) values (${streamId}, 1)
      on conflict (stream_id) do update set last_seq = stream_head.last_seq + 1
      returning last_seq
    ), own as (
      insert into event (stream_id, seq, type, data, idempotency_key)
      select ${streamId}, own_head.last_seq, ${type}, ${JSON.stringify(data)}::jsonb, ${key} from own_head
      returning seq, created_at, data
    ), global_head as (
      insert into stream_head (stream_id, last_seq) values (${GLOBAL_STREAM}, 1)
      on conflict (stream_id) do update set last_seq = stream_head.last_seq + 1
      returning last_seq
    ), global as (
      insert into event (stream_id, seq, type, data)
      select ${GLOBAL_STREAM}, global_head.last_seq, ${type},
             ${JSON.stringify(data)}::jsonb || jsonb_build_object('stream', ${streamId}::text, 'stream_seq', own_head.last_seq)
      from global_head, own_head
      returning seq, created_at, data
    )
    select own.seq, own.created_at, own.data, global.seq as global_seq, global.created_at as global_created_at, global.data as global_data
    from own, global`);
  const rows = (result as unknown as { rows?: Array<Record<string, unknown>> }).rows ?? (result as unknown as Array<Record<string, unknown>>);
  const row = rows[0]!;
  // Live readers get the data as the log stores it (jsonb orders keys its own way), so a replay and
  // the live stream are byte-for-byte the same.
  const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
  return [
    { streamId, seq: Number(row.seq), type, data: parse(row.data), createdAt: new Date(row.created_at as string) },
    { streamId: GLOBAL_STREAM, seq: Number(row.global_seq), type, data: parse(row.global_data), createdAt: new Date(row.global_created_at as string) },
  ];
}
