/** API keys carry a recognisable prefix, so a presented token can be routed to the key store at once. */
export const API_KEY_PREFIXES = ['sb_', 'evr_'] as const;

export function isApiKeyToken(token: string): boolean {
  return API_KEY_PREFIXES.some((p) => token.startsWith(p)) && !token.startsWith('sb_admin_');
}

/**
 * Our own token sessions are recognisable too: a dashboard session opened with the admin token or a
 * key (`sbd_…`, kept in the cookie instead of the credential) and a stream ticket (`sbt_…`).
 */
export type TokenPurpose = 'dashboard' | 'stream';
export const TOKEN_PREFIXES: Record<TokenPurpose, string> = { dashboard: 'sbd_', stream: 'sbt_' };
export const TOKEN_SESSION_CREDENTIAL = 'token-session';
export const TICKET_CREDENTIAL = 'ticket';

export function tokenSessionPurpose(token: string): TokenPurpose | undefined {
  if (token.startsWith(TOKEN_PREFIXES.dashboard)) return 'dashboard';
  if (token.startsWith(TOKEN_PREFIXES.stream)) return 'stream';
  return undefined;
}
