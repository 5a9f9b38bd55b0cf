import { z } from 'zod';
import type { device } from '@/db/schema';
import type { Scope } from '@/server/auth/scopes';

/**
 * What a paired device may be granted: EchoHelix's scope vocabulary without `pair:start` (a device
 * never pairs further devices). Never `admin`, `keys:write` or another dialect's scope.
 */
export const DEVICE_SCOPES = ['runs:submit', 'runs:read', 'runs:cancel', 'backends:read', 'devices:read', 'devices:write'] as const satisfies readonly Scope[];
export type DeviceScope = (typeof DEVICE_SCOPES)[number];

/** How long a pair code lives: 60 s unless asked otherwise, never over 10 minutes. */
export const PAIR_TTL_DEFAULT_SECONDS = 60;
export const PAIR_TTL_MAX_SECONDS = 600;
export const DEVICE_NAME_MAX_CHARS = 200;

/** A paired device as lists show it: never a token. */
export const deviceSchema = z.object({
  address: z.string(),
  name: z.string(),
  publicKey: z.string(),
  permissions: z.array(z.string()),
  ownerId: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  revoked: z.boolean(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
});
export type DeviceDto = z.infer<typeof deviceSchema>;

/** A started pairing: the only time the pair code is returned. */
export const pairingStartedSchema = z.object({
  pairCode: z.string(),
  challenge: z.string(),
  permissions: z.array(z.string()),
  expiresAt: z.string(),
  /** Everything a device needs to complete the pairing, for a QR code. */
  elixUri: z.string(),
  pairVersion: z.string(),
});
export type PairingStarted = z.infer<typeof pairingStartedSchema>;

/** A fresh access/refresh pair: the only time these tokens are returned. */
export const deviceTokensSchema = z.object({
  address: z.string(),
  scopes: z.array(z.string()),
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresAt: z.string(),
  refreshExpiresAt: z.string(),
});
export type DeviceTokens = z.infer<typeof deviceTokensSchema>;

/** A completed pairing: the device and its first tokens. */
export const pairedDeviceSchema = deviceTokensSchema.extend({ publicKey: z.string(), deviceName: z.string() });
export type PairedDevice = z.infer<typeof pairedDeviceSchema>;

export const renamedDeviceSchema = z.object({ address: z.string(), renamed: z.literal(true) });
export const revokedDeviceSchema = z.object({ address: z.string(), revoked: z.literal(true) });

export function toDeviceDto(row: typeof device.$inferSelect): DeviceDto {
  return {
    address: row.address,
    name: row.name,
    publicKey: row.publicKey,
    permissions: row.permissions,
    ownerId: row.ownerId,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokeReason: row.revokeReason,
  };
}
