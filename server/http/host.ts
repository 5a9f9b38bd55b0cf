/**
 * Who may address the server, and from which page. Every request (HTTP and WebSocket upgrade,
 * auth on or off) must name an allowed Host — exactly loopback, PUBLIC_URL's host, or one of
 * ALLOWED_HOSTS — so a DNS-rebinding page, whose requests carry the attacker's host name, is
 * refused before anything else. A browser's ambient credential (a session cookie, or the network
 * position itself when auth is disabled) only counts on a state-changing request sent from one of
 * our own pages, as its Origin (or Referer) says.
 */
import type { IncomingMessage } from 'node:http';
import { parseCookies, SESSION_COOKIE } from '@/server/auth/resolve';
import { AppError } from '@/server/core/shared/errors';
import { isLoopbackHost, parseHostHeader, type AllowedHost, type Env } from '@/server/env';

export interface HostPolicy {
  /** Whether a Host header (or an Origin's host) names this server. */
  serves(host: string | undefined): boolean;
  /** Whether a host was configured explicitly (PUBLIC_URL, ALLOWED_HOSTS); loopback is not. */
  configured(host: string): boolean;
  /** Whether ambient credentials need an allowed Origin: with auth off, any request is the admin. */
  authDisabled: boolean;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function matches(allowed: AllowedHost, host: AllowedHost): boolean {
  return allowed.hostname === host.hostname && (allowed.port === undefined || allowed.port === host.port);
}

export function hostPolicy(env: Pick<Env, 'publicUrl' | 'allowedHosts' | 'authDisabled'>): HostPolicy {
  // PUBLIC_URL's host at any port: a reverse proxy may or may not forward the port it listens on.
  const configuredHosts: AllowedHost[] = [{ hostname: new URL(env.publicUrl).hostname.replace(/^\[(.*)\]$/, '$1') }, ...env.allowedHosts];
  const configured = (value: string) => {
    const host = parseHostHeader(value);
    return !!host && configuredHosts.some((allowed) => matches(allowed, host));
  };
  return {
    serves(value) {
      const host = value === undefined ? undefined : parseHostHeader(value);
      if (!host) return false;
      return isLoopbackHost(host.hostname) || configured(value!);
    },
    configured,
    authDisabled: env.authDisabled,
  };
}

export function assertServedHost(policy: HostPolicy, req: IncomingMessage): void {
  if (!policy.serves(req.headers.host)) {
    throw new AppError(
      'FORBIDDEN',
      'this server is not addressed by that Host: only loopback, the host of PUBLIC_URL and ALLOWED_HOSTS are served',
      { code: 'HOST_NOT_ALLOWED' },
    );
  }
}

/** The better-auth session cookie, with or without the `__Secure-` prefix it takes under https. */
const BETTER_AUTH_SESSION_COOKIE = /^(__Secure-)?switchboard\.session_token$/;

function credentialFromCookie(req: IncomingMessage): boolean {
  if (req.headers.authorization || req.headers['x-api-key']) return false;
  const names = [...parseCookies(req.headers.cookie ?? null).keys()];
  return names.some((name) => name === SESSION_COOKIE || BETTER_AUTH_SESSION_COOKIE.test(name));
}

/** The host of the page that sent the request: its Origin, else its Referer; undefined if neither. */
function senderHost(req: IncomingMessage): string | null | undefined {
  const sender = req.headers.origin ?? req.headers.referer;
  if (sender === undefined) return undefined;
  try {
    return new URL(sender).host || null;
  } catch {
    return null; // `Origin: null` (sandboxed frames, file://) or garbage: no page of ours.
  }
}

/**
 * A state-changing request that authenticates with a cookie must come from one of our own pages:
 * the same host it is addressed to, or a configured one. With auth disabled every request acts as
 * the admin, so a browser request (one that names its page) is held to the same rule; clients that
 * name no page (curl, SDKs) are not browsers and carry no ambient credential to abuse.
 */
export function assertSameOriginForAmbientCredentials(policy: HostPolicy, req: IncomingMessage): void {
  if (!STATE_CHANGING.has(req.method ?? 'GET')) return;
  const fromCookie = !policy.authDisabled && credentialFromCookie(req);
  if (!fromCookie && !policy.authDisabled) return;
  const sender = senderHost(req);
  if (sender === undefined && !fromCookie) return;
  const ours = !!sender && (sender.toLowerCase() === req.headers.host?.toLowerCase() || policy.configured(sender));
  if (!ours) {
    throw new AppError(
      'FORBIDDEN',
      'cross-site request refused: a state-changing request authenticated by a cookie must come from this server\u2019s own pages (Origin or Referer)',
      { code: 'CROSS_SITE_REQUEST' },
    );
  }
}
