import type { Principal } from '@/server/auth/principal';
import { resolvePrincipal } from '@/server/auth/resolve';
import type { Services } from '@/server/services';

/** What every procedure sees: the process's services and a lazily resolved principal. */
export interface Context {
  services: Services;
  headers: Headers;
  url: URL;
  /**
   * Resolved on first use, so public routes never touch the credential store. Stream endpoints
   * pass `allowQueryToken` to also accept `?access_token=` / `?token=`.
   */
  principal(opts?: { allowQueryToken?: boolean }): Promise<Principal | null>;
  /** Adds a Set-Cookie header to the response (tRPC's dashboard sign-in). */
  setCookie?(cookie: string): void;
  /** The raw response, for procedures that stream (SSE) instead of returning a body. */
  raw?: { res: import('node:http').ServerResponse; streamed: boolean };
}

export function createContext(
  services: Services,
  request: { headers: Headers; url: URL },
  opts: { allowQueryToken?: boolean; setCookie?: (cookie: string) => void; res?: import('node:http').ServerResponse } = {},
): Context {
  const resolved = new Map<boolean, Promise<Principal | null>>();
  return {
    services,
    setCookie: opts.setCookie,
    raw: opts.res ? { res: opts.res, streamed: false } : undefined,
    headers: request.headers,
    url: request.url,
    principal: (o) => {
      const allowQueryToken = o?.allowQueryToken ?? opts.allowQueryToken ?? false;
      let found = resolved.get(allowQueryToken);
      if (!found) resolved.set(allowQueryToken, (found = resolvePrincipal(services, { ...request, allowQueryToken })));
      return found;
    },
  };
}
