/**
 * WebSocket upgrades. A declared WebSocket endpoint (endpoint.ts, `transport: 'websocket'`) is
 * checked like any other request — Host rule, credentials (header, cookie, `?access_token=`,
 * `?token=`), scope, guard, input — and its handler returns the stream to write, all before the
 * upgrade: a refusal is an HTTP status with the JSON error envelope, never a half-open socket.
 * `/_next/*` goes to Next's own handler (hot reload in dev); every other path is a 404.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createContext } from '@/server/api/context';
import type { Access } from '@/server/api/dialects/endpoint';
import { can, type Principal } from '@/server/auth/principal';
import { forbidden, unauthorized } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { writeWebSocket } from '@/server/stream/websocket';
import { errorResponse } from './error-envelope';
import { assertServedHost, hostPolicy, type HostPolicy } from './host';
import { clientAddress, nodeHeaders, requestUrl } from './node-request';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { routeNotFound } from './send';
import { webSocketRoutes, type WebSocketRoutes } from './websocket-routes';

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void | Promise<void>;

export interface WebSocketOptions {
  /** The largest frame a client may send; a bigger one closes the socket with 1009. */
  maxPayloadBytes?: number;
  /** Ping interval; a peer that misses a pong is cut off. */
  keepAliveMs?: number;
  /** Upgrades for `/_next/*` (Next's dev server keeps its hot-reload socket). */
  next?: UpgradeListener;
  routes?: WebSocketRoutes;
  /** The HTTP listener's Host rule and rate limiter, shared so an upgrade spends the same budget. */
  hosts?: HostPolicy;
  limiter?: RateLimiter;
}

/** The streams only send; a client has nothing bigger than a control message to say. */
export const MAX_INCOMING_FRAME_BYTES = 64 * 1024;

export interface UpgradeHandler {
  upgrade: UpgradeListener;
  /** Ends every open WebSocket (shutdown): upgraded sockets no longer belong to the HTTP server. */
  closeAll(): void;
}

function authorize(scope: Access, principal: Principal | null): void {
  if (scope === 'public') return;
  if (!principal) throw unauthorized();
  if (scope !== 'authed' && !can(principal, scope)) throw forbidden(`missing scope: ${scope}`);
}

/**
 * A browser sends its cookies with a WebSocket opened by any site (there is no CORS for them), so a
 * cross-origin upgrade must present its credential explicitly — a header or `?access_token=`.
 */
function credentialHeaders(req: IncomingMessage): Headers {
  const headers = nodeHeaders(req);
  const origin = headers.get('origin');
  if (origin !== null) {
    let sameOrigin = false;
    try {
      sameOrigin = new URL(origin).host === headers.get('host');
    } catch {
      // An Origin that is not a URL is no origin of ours.
    }
    if (!sameOrigin) headers.delete('cookie');
  }
  return headers;
}

function refuse(socket: Duplex, err: unknown, log: (err: unknown) => void): void {
  if (!socket.writable) return void socket.destroy();
  const { status, headers, body } = errorResponse(err, log);
  const payload = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(payload)}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  // Closed once the answer is out, so a client that never hangs up holds nothing open.
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${payload}`);
}

export function createUpgradeHandler(services: Services, log: (err: unknown) => void, opts: WebSocketOptions = {}): UpgradeHandler {
  const routes = opts.routes ?? webSocketRoutes();
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes ?? MAX_INCOMING_FRAME_BYTES });
  const hosts = opts.hosts ?? hostPolicy(services.env);
  const limiter = opts.limiter ?? createRateLimiter(services.env.rateLimits);

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    assertServedHost(hosts, req);
    const url = requestUrl(req);
    if (opts.next && url.pathname.startsWith('/_next/')) return opts.next(req, socket, head);
    const method = req.method ?? 'GET';
    const route = method === 'GET' ? routes.match(url.pathname) : undefined;
    if (!route) throw routeNotFound(method, url.pathname);
    const { endpoint, params } = route;

    const headers = credentialHeaders(req);
    const principal = await createContext(services, { headers, url }, { allowQueryToken: true }).principal();
    await limiter.chargeRequest(principal, clientAddress(req));
    authorize(endpoint.scope, principal);
    const input = endpoint.input.safeParse({ ...Object.fromEntries(url.searchParams), ...params });
    if (!input.success) throw input.error;
    endpoint.guard?.(principal, services);
    const stream = await endpoint.handler({ deps: services, principal, input: input.data, headers, url });

    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => void writeWebSocket(ws, stream, services, { keepAliveMs: opts.keepAliveMs, socket }));
  }

  return {
    upgrade(req, socket, head) {
      // The HTTP server stops watching a socket once it is handed over for an upgrade.
      socket.on('error', () => socket.destroy());
      accept(req, socket, head).catch((err) => refuse(socket, err, log));
    },
    closeAll() {
      for (const ws of wss.clients) ws.terminate();
    },
  };
}
