/** EchoHelix's pairing, session-refresh and device shapes, mapped from the core's device DTOs. */
import { z } from 'zod';
import * as devices from '@/server/core/devices';
import { isoTime } from '../../schemas';

/** EchoHelix's scope vocabulary, as its document enumerates it. */
export const echohelixScope = z.enum(['pair:start', 'runs:submit', 'runs:read', 'runs:cancel', 'backends:read', 'devices:read', 'devices:write']);

export const pairStartInput = z
  .object({
    permissions: z.array(echohelixScope).optional(),
    ttl_seconds: z.number().int().min(1).max(devices.PAIR_TTL_MAX_SECONDS).optional().describe(`seconds the pair code lives (default ${devices.PAIR_TTL_DEFAULT_SECONDS})`),
  })
  .optional();

export const pairStartResponse = z.object({
  pair_code: z.string(),
  challenge: z.string().describe('the exact string the device signs with its ed25519 key'),
  permissions: z.array(z.string()),
  expires_at: isoTime,
  elix_uri: z.string().describe('elix://pair?v=&server=&code=&challenge= — everything the device needs, for a QR code'),
  pair_version: z.string(),
});

export const toPairStartResponse = (p: devices.PairingStarted): z.infer<typeof pairStartResponse> => ({
  pair_code: p.pairCode,
  challenge: p.challenge,
  permissions: p.permissions,
  expires_at: p.expiresAt,
  elix_uri: p.elixUri,
  pair_version: p.pairVersion,
});

export const pairCompleteInput = z.object({
  pair_code: z.string(),
  public_key: z.string().describe('base64url of the raw 32-byte ed25519 public key'),
  signature: z.string().describe('base64url of the ed25519 signature over the exact challenge string'),
  device_name: z.string().optional(),
});

const tokenFields = {
  address: z.string(),
  scopes: z.array(z.string()),
  access_token: z.string(),
  refresh_token: z.string(),
  expires_at: isoTime,
  refresh_expires_at: isoTime,
};

export const sessionRefreshResponse = z.object(tokenFields);
export const pairCompleteResponse = z.object({ ...tokenFields, public_key: z.string(), device_name: z.string() });

export const toSessionRefreshResponse = (t: devices.DeviceTokens): z.infer<typeof sessionRefreshResponse> => ({
  address: t.address,
  scopes: t.scopes,
  access_token: t.accessToken,
  refresh_token: t.refreshToken,
  expires_at: t.expiresAt,
  refresh_expires_at: t.refreshExpiresAt,
});

export const toPairCompleteResponse = (d: devices.PairedDevice): z.infer<typeof pairCompleteResponse> => ({
  ...toSessionRefreshResponse(d),
  public_key: d.publicKey,
  device_name: d.deviceName,
});

export const sessionRefreshInput = z.object({ refresh_token: z.string() });

export const echohelixDevice = z.object({
  address: z.string(),
  name: z.string(),
  public_key: z.string(),
  permissions: z.array(z.string()),
  created_at: isoTime,
  last_seen_at: isoTime.nullable(),
  revoked: z.boolean(),
  revoked_at: isoTime.nullable(),
  revoke_reason: z.string().nullable(),
});

export const toEchohelixDevice = (d: devices.DeviceDto): z.infer<typeof echohelixDevice> => ({
  address: d.address,
  name: d.name,
  public_key: d.publicKey,
  permissions: d.permissions,
  created_at: d.createdAt,
  last_seen_at: d.lastSeenAt,
  revoked: d.revoked,
  revoked_at: d.revokedAt,
  revoke_reason: d.revokeReason,
});

export const deviceList = z.object({ devices: z.array(echohelixDevice) });
