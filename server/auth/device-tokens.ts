/**
 * Paired devices' tokens carry recognisable prefixes, so a presented token is routed to the device
 * token store at once, and a refresh token is never looked up as an access token.
 */
export const DEVICE_ACCESS_PREFIX = 'elix_at_';
export const DEVICE_REFRESH_PREFIX = 'elix_rt_';

/** EchoHelix's lifetimes: access tokens 15 minutes, refresh tokens 24 hours. */
export const DEVICE_ACCESS_TTL_MS = 15 * 60 * 1000;
export const DEVICE_REFRESH_TTL_MS = 24 * 60 * 60 * 1000;

export const isDeviceAccessToken = (token: string) => token.startsWith(DEVICE_ACCESS_PREFIX);
export const isDeviceRefreshToken = (token: string) => token.startsWith(DEVICE_REFRESH_PREFIX);
