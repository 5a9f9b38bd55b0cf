/** The usage ledger: one row per model call, priced when it is recorded. */
import { doublePrecision, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const usageRecord = pgTable(
  'usage_record',
  {
    id: text('id').primaryKey(),
    // The step that made the call: a resumed step never records its usage twice.
    stepId: text('step_id').notNull().unique(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    costUsd: doublePrecision('cost_usd').notNull(),
    runId: text('run_id'),
    sessionId: text('session_id'),
    turnId: text('turn_id'),
    principalId: text('principal_id').notNull(),
    // The owner of the work that made the call: usage is summed per owner.
    ownerId: text('owner_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('usage_created_idx').on(t.createdAt), index('usage_provider_idx').on(t.provider, t.createdAt), index('usage_owner_idx').on(t.ownerId, t.createdAt)],
);
