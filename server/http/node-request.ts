import type { IncomingMessage } from 'node:http';

export function nodeHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

export function requestUrl(req: IncomingMessage): URL {
  // The Host header is only used to build a URL object; routing never trusts it.
  return new URL(req.url ?? '/', 'http://localhost');
}

/** The hostname a request was addressed to, without port or IPv6 brackets. */
export function requestHostname(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.split(':')[0] ?? '';
}
