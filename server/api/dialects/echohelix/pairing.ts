/** Pairing a device (wallet) and rotating its tokens. */
import * as devices from '@/server/core/devices';
import { endpoint } from '../endpoint';
import {
  pairCompleteInput,
  pairCompleteResponse,
  pairStartInput,
  pairStartResponse,
  sessionRefreshInput,
  sessionRefreshResponse,
  toPairCompleteResponse,
  toPairStartResponse,
  toSessionRefreshResponse,
} from './shapes/devices';

/** `/echohelix` when the request came in under the dialect's base path: the device should talk back the same way. */
const basePathOf = (url: URL) => (url.pathname.startsWith('/echohelix/') ? '/echohelix' : '');

export const pairStart = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/pair/start',
  scope: 'pair:start',
  summary: 'Start pairing a device: a single-use pair code and the challenge it signs; 429 with Retry-After when started too often',
  input: pairStartInput,
  output: pairStartResponse,
  handler: async ({ deps, principal, input, url }) =>
    toPairStartResponse(await devices.startPairing(deps, principal, { permissions: input?.permissions, ttlSeconds: input?.ttl_seconds, basePath: basePathOf(url) })),
});

export const pairComplete = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/pair/complete',
  scope: 'public',
  summary: 'Complete pairing with an ed25519 signature over the challenge; an unknown, used or expired code or a bad signature is 400',
  input: pairCompleteInput,
  output: pairCompleteResponse,
  handler: async ({ deps, principal, input }) =>
    toPairCompleteResponse(
      await devices.completePairing(deps, principal, { pairCode: input.pair_code, publicKey: input.public_key, signature: input.signature, deviceName: input.device_name }),
    ),
});

export const sessionRefresh = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/session/refresh',
  scope: 'public',
  summary: 'Rotate a device\u2019s tokens; a spent refresh token is 401, and presenting it again revokes its whole token family',
  input: sessionRefreshInput,
  output: sessionRefreshResponse,
  handler: async ({ deps, principal, input }) => toSessionRefreshResponse(await devices.refreshDeviceTokens(deps, principal, { refreshToken: input.refresh_token })),
});
