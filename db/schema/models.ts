/**
 * The model catalog beyond what the server discovers on its own (API keys in env, CLIs on PATH):
 * providers added at run time (their API keys encrypted at rest) and their models with pricing.
 */
import { boolean, doublePrecision, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const llmProvider = pgTable('llm_provider', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  providerType: text('provider_type').notNull(),
  baseUrl: text('base_url'),
  // AES-256-GCM with a key derived from the server secret; never returned by any API.
  apiKeyEncrypted: text('api_key_encrypted'),
  status: text('status').notNull().default('active'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const llmModel = pgTable(
  'llm_model',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id')
      .notNull()
      .references(() => llmProvider.id, { onDelete: 'cascade' }),
    modelId: text('model_id').notNull(),
    displayName: text('display_name').notNull(),
    capabilities: jsonb('capabilities').$type<string[]>().notNull().default([]),
    inputPerMTok: doublePrecision('input_per_mtok').notNull().default(0),
    outputPerMTok: doublePrecision('output_per_mtok').notNull().default(0),
    isDefault: boolean('is_default').notNull().default(false),
    status: text('status').notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('llm_model_provider_model_idx').on(t.providerId, t.modelId)],
);

/** Server-wide settings that must survive restarts: the model policy, the emergency stop. */
export const setting = pgTable('setting', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
