/**
 * Who did what to an account: sign-ins, sign-outs, keys created and revoked. One row per action,
 * never updated; the principal is copied as it was at the time, so a deleted key or user still
 * explains its own history.
 */
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const auditEvent = pgTable(
  'audit_event',
  {
    id: text('id').primaryKey(),
    action: text('action').notNull(),
    principalKind: text('principal_kind').notNull(),
    principalId: text('principal_id').notNull(),
    // Whose history this is: what a non-admin's list is filtered by.
    ownerId: text('owner_id'),
    targetKind: text('target_kind'),
    targetId: text('target_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('audit_event_owner_idx').on(t.ownerId, t.createdAt), index('audit_event_created_idx').on(t.createdAt)],
);

/**
 * Server-side sessions that are not better-auth's: a dashboard signed in with the admin token or an
 * API key (the cookie holds this session's token, never the credential itself), and short-lived
 * stream tickets for `?access_token=`. Only a keyed hash of each token is stored.
 */
export const tokenSession = pgTable(
  'token_session',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    // `dashboard` (a cookie session) or `stream` (a ticket, honoured on stream routes only).
    purpose: text('purpose').notNull(),
    // The credentials this session was opened with, outermost last (JSON array, e.g.
    // ["apikey:key_1"]): it lives only as long as every one of them does.
    credentials: text('credentials').notNull(),
    ownerId: text('owner_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('token_session_expires_idx').on(t.expiresAt)],
);
