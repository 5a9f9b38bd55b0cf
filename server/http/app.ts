/**
 * The one request listener of the custom server. It owns the order in which the faces of the API
 * are tried: OpenAPI/Swagger, the dashboard's tRPC endpoint, REST at every documented path,
 * better-auth's own routes, then the dashboard pages. Anything else is a JSON 404. WebSocket
 * upgrades have their own listener (`upgrade`, server/http/upgrade.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { toNodeHandler } from 'better-auth/node';
import { DIALECTS, type Dialect } from '@/server/api/dialects';
import { appRouter } from '@/server/api/root';
import type { Principal } from '@/server/auth/principal';
import { AppError } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { assertSameOriginForAmbientCredentials, assertServedHost, hostPolicy } from './host';
import { clientAddress, requestContext, requestUrl } from './node-request';
import { accountNamedBy, createRateLimiter, signInKindOf } from './rate-limit';
import { guardRequestBody, readWholeBody, replayRequest } from './request-body';
import { createRestApi, requestBodyLimit, type RestApi } from './rest';
import { sendError, sendJson, sendNotFound } from './send';
import { serveSwaggerUi } from './swagger-ui';
import { createUpgradeHandler, type UpgradeListener, type WebSocketOptions } from './upgrade';

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface App {
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** The server's `upgrade` listener: declared WebSocket endpoints, `/_next/*` to Next, else 404. */
  upgrade: UpgradeListener;
  /** Ends what outlives single requests (open WebSockets), before the HTTP server closes. */
  close(): void;
  rest: RestApi;
}

export interface Logger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

/** Paths that belong to the dashboard (Next.js); every other unknown path answers a JSON 404. */
export function isPagePath(pathname: string): boolean {
  return (
    pathname === '/' ||
    pathname === '/app' ||
    pathname.startsWith('/app/') ||
    pathname.startsWith('/_next/') ||
    pathname === '/favicon.ico' ||
    pathname === '/__nextjs_original-stack-frames'
  );
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The dashboard's Content-Security-Policy. Its pages are prerendered, so Next's inline bootstrap
 * scripts (the RSC payload pushes) cannot carry a per-request nonce: script-src needs
 * 'unsafe-inline', and dev mode's fast refresh needs 'unsafe-eval'. Everything else is this origin.
 */
export function dashboardContentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Sign-in bodies are a few fields; read whole before the handler so the account's limit applies. */
const SIGN_IN_BODY_LIMIT_BYTES = 64 * 1024;

export function createApp(services: Services, logger: Logger, pages?: PageHandler, webSockets: WebSocketOptions = {}): App {
  const logError = (err: unknown) => logger.error('request failed', err);
  const rest = createRestApi(services, logError);
  const hosts = hostPolicy(services.env);
  const limiter = createRateLimiter(services.env.rateLimits);
  const upgrades = createUpgradeHandler(services, (err) => logger.error('upgrade failed', err), { ...webSockets, hosts, limiter });
  const bodyLimit = requestBodyLimit(services.env);
  const contentSecurityPolicy = dashboardContentSecurityPolicy(services.env.dev);
  // The principal the listener resolved for the rate limit, handed to tRPC's context.
  const principals = new WeakMap<IncomingMessage, Promise<Principal | null>>();
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    maxBodySize: bodyLimit,
    createContext: ({ req, res }) =>
      requestContext(services, req, { setCookie: (c) => res.appendHeader('set-cookie', c) }, principals.get(req)),
    onError: ({ error }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') logError(error);
    },
  });
  const betterAuth = toNodeHandler(services.auth);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    let body = guardRequestBody(req, res);
    assertServedHost(hosts, req);
    assertSameOriginForAmbientCredentials(hosts, req);
    const url = requestUrl(req);
    const { pathname } = url;
    const method = req.method ?? 'GET';
    const ip = clientAddress(req);

    if (pages && isPagePath(pathname)) {
      res.setHeader('content-security-policy', contentSecurityPolicy);
      return pages(req, res);
    }

    const principal = requestContext(services, req, {}).principal();
    // A credential that cannot be checked now (the database is down) is charged as anonymous; the
    // endpoint itself decides what that means (a public one such as /health still answers).
    const chargedAs = await principal.catch(() => null);
    for (const [name, value] of Object.entries(await limiter.chargeRequest(chargedAs, ip))) res.setHeader(name, value);

    const signIn = signInKindOf(method, pathname, DIALECTS);
    if (signIn) {
      const sent = await readWholeBody(body, SIGN_IN_BODY_LIMIT_BYTES);
      body = replayRequest(req, sent);
      const account = signIn === 'token' ? undefined : accountNamedBy(sent, req.headers['content-type']);
      const charge = await limiter.chargeSignIn({ kind: signIn, account }, ip);
      for (const [name, value] of Object.entries(charge.headers)) res.setHeader(name, value);
      res.once('finish', () => charge.settle(res.statusCode));
    }

    const doc = /^\/api-doc(?:\/([a-z]+))?\/openapi\.json$/.exec(pathname);
    if (doc && method === 'GET') {
      const dialect = doc[1] as Dialect | undefined;
      if (dialect && !(DIALECTS as readonly string[]).includes(dialect)) return sendNotFound(res, method, pathname);
      return sendJson(res, 200, await rest.openApiDocument(dialect));
    }
    if (method === 'GET' && serveSwaggerUi(pathname, res)) return;
    if (pathname.startsWith('/api/trpc/')) {
      // A declared size over the limit is refused before a byte of it is read.
      if (Number(req.headers['content-length'] ?? 0) > bodyLimit) {
        throw new AppError('PAYLOAD_TOO_LARGE', `the request body is over ${bodyLimit} bytes`, { code: 'PAYLOAD_TOO_LARGE' });
      }
      principals.set(body, principal);
      trpc(body, res);
      return;
    }
    if (await rest.handle(body, res, principal)) return;
    // better-auth reads the request itself; a sign-in's body was already read, so it gets the replay.
    if (pathname.startsWith('/api/auth/')) return betterAuth(signIn ? body : req, res);
    sendNotFound(res, method, pathname);
  }

  return {
    rest,
    upgrade: upgrades.upgrade,
    close: upgrades.closeAll,
    listener(req, res) {
      route(req, res).catch((err) => {
        if (res.headersSent) {
          logError(err);
          res.destroy();
          return;
        }
        sendError(res, err, logError);
      });
    },
  };
}
