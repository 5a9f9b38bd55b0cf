/** API keys carry a recognisable prefix, so a presented token can be routed to the key store at once. */
export const API_KEY_PREFIXES = ['sb_', 'evr_'] as const;

export function isApiKeyToken(token: string): boolean {
  return API_KEY_PREFIXES.some((p) => token.startsWith(p)) && !token.startsWith('sb_admin_');
}
