/**
 * Paired devices (EchoHelix's wallets): an ed25519 key pair on a phone or laptop, paired once with
 * a short-lived challenge, then acting as the owner who started the pairing through rotating
 * access/refresh tokens. Tokens are stored as hashes only.
 */
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Scope } from '@/server/auth/scopes';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** A pairing someone started and a device has (or has not yet) completed. */
export const pairing = pgTable(
  'pairing',
  {
    id: text('id').primaryKey(),
    // The pair code is shown once (and inside the elix URI); only its hash is kept.
    codeHash: text('code_hash').notNull().unique(),
    // The exact string the device must sign.
    challenge: text('challenge').notNull(),
    permissions: jsonb('permissions').$type<Scope[]>().notNull(),
    // Whose devices the paired device joins (a user id, or `admin`), and who started the pairing.
    ownerId: text('owner_id').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    // Set once a device completed it: a pair code works once.
    completedAt: ts('completed_at'),
    deviceAddress: text('device_address'),
  },
  (t) => [index('pairing_owner_idx').on(t.ownerId, t.createdAt)],
);

export const device = pgTable(
  'device',
  {
    // `elix1` + the first 40 hex digits of sha256(public key bytes).
    address: text('address').primaryKey(),
    name: text('name').notNull(),
    // base64url of the raw 32-byte ed25519 public key, as the device sent it.
    publicKey: text('public_key').notNull(),
    permissions: jsonb('permissions').$type<Scope[]>().notNull(),
    // The device acts as this owner (a user id, or `admin`).
    ownerId: text('owner_id').notNull(),
    pairedBy: text('paired_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at'),
    revokedAt: ts('revoked_at'),
    revokeReason: text('revoke_reason'),
  },
  (t) => [index('device_owner_idx').on(t.ownerId, t.createdAt)],
);

/**
 * One issued token. A refresh rotates: the presented refresh token is marked used and a new
 * access/refresh pair of the same family is issued. A used refresh token presented again means it
 * leaked, and the whole family is revoked (RFC 9700, refresh token reuse detection).
 */
export const deviceToken = pgTable(
  'device_token',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    kind: text('kind').$type<'access' | 'refresh'>().notNull(),
    deviceAddress: text('device_address')
      .notNull()
      .references(() => device.address, { onDelete: 'cascade' }),
    // Every token descending from one pairing shares the family id.
    familyId: text('family_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    // A refresh token that was exchanged; an access token whose pair was rotated away.
    usedAt: ts('used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('device_token_family_idx').on(t.familyId), index('device_token_device_idx').on(t.deviceAddress)],
);
