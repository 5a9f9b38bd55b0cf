import type { IncomingMessage } from 'node:http';
import { createContext, type Context } from '@/server/api/context';
import type { Principal } from '@/server/auth/principal';
import type { Services } from '@/server/services';

// The listener (for the rate limit) and the REST dispatcher both need a request's headers and URL:
// each is built once per request, not once per use.
const headersOf = new WeakMap<IncomingMessage, Headers>();
const urlOf = new WeakMap<IncomingMessage, URL>();

export function nodeHeaders(req: IncomingMessage): Headers {
  let headers = headersOf.get(req);
  if (headers) return headers;
  headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  headersOf.set(req, headers);
  return headers;
}

export function requestUrl(req: IncomingMessage): URL {
  let url = urlOf.get(req);
  // The Host header is only used to build a URL object; routing never trusts it.
  if (!url) urlOf.set(req, (url = new URL(req.url ?? '/', 'http://localhost')));
  return url;
}

/** The hostname a request was addressed to, without port or IPv6 brackets. */
export function requestHostname(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.split(':')[0] ?? '';
}

/**
 * The procedure context of a request. When the listener already resolved the request's principal
 * (for its rate limit), the context reuses it instead of looking the credential up again; stream
 * endpoints that also accept a query-string token still resolve that themselves.
 */
export function requestContext(
  services: Services,
  req: IncomingMessage,
  opts: Parameters<typeof createContext>[2],
  principal?: Promise<Principal | null>,
): Context {
  const context = createContext(services, { headers: nodeHeaders(req), url: requestUrl(req) }, opts);
  if (!principal) return context;
  const resolve = context.principal;
  return { ...context, principal: (o) => (o?.allowQueryToken ?? opts?.allowQueryToken ? resolve(o) : principal) };
}

/** The address of the client at the other end of the connection. */
export function clientAddress(req: IncomingMessage): string {
  return req.socket?.remoteAddress ?? 'unknown';
}
