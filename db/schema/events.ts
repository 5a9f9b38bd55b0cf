/**
 * The durable event log. Every stream (one per run, one per session, …) numbers its events 1, 2, 3…
 * with no gaps: the seq is reserved from `stream_head` in the same statement that inserts the event,
 * inside the transaction that also applies the state change it reports.
 *
 * The global stream (every event, in commit-safe order) is not stored separately: each event carries
 * its `global_pos`, derived from the id of the transaction that wrote it (server/core/events/global-position.ts),
 * so appends to different streams share no row and never wait for each other.
 */
import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const streamHead = pgTable('stream_head', {
  streamId: text('stream_id').primaryKey(),
  lastSeq: integer('last_seq').notNull(),
});

export const event = pgTable(
  'event',
  {
    streamId: text('stream_id').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    // A writer that may repeat itself (a resumed step) passes a key; the second append is a no-op.
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    // The event's place in the global stream: transaction id × 65536 + its ordinal in the transaction.
    globalPos: bigint('global_pos', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.streamId, t.seq] }),
    uniqueIndex('event_idempotency_idx').on(t.streamId, t.idempotencyKey),
    uniqueIndex('event_global_pos_idx').on(t.globalPos),
  ],
);
