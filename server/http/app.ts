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
import { createContext } from '@/server/api/context';
import { appRouter } from '@/server/api/root';
import type { Services } from '@/server/services';
import { assertServedHost } from './host';
import { nodeHeaders, requestUrl } from './node-request';
import { guardRequestBody } from './request-body';
import { createRestApi, type RestApi } from './rest';
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

export function createApp(services: Services, logger: Logger, pages?: PageHandler, webSockets: WebSocketOptions = {}): App {
  const logError = (err: unknown) => logger.error('request failed', err);
  const rest = createRestApi(services, logError);
  const upgrades = createUpgradeHandler(services, (err) => logger.error('upgrade failed', err), webSockets);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    createContext: ({ req, res }) =>
      createContext(services, { headers: nodeHeaders(req), url: requestUrl(req) }, { setCookie: (c) => res.appendHeader('set-cookie', c) }),
    onError: ({ error }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') logError(error);
    },
  });
  const betterAuth = toNodeHandler(services.auth);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const body = guardRequestBody(req, res);
    assertServedHost(services, req);
    const url = requestUrl(req);
    const { pathname } = url;
    const method = req.method ?? 'GET';

    const doc = /^\/api-doc(?:\/([a-z]+))?\/openapi\.json$/.exec(pathname);
    if (doc && method === 'GET') {
      const dialect = doc[1] as Dialect | undefined;
      if (dialect && !(DIALECTS as readonly string[]).includes(dialect)) return sendNotFound(res, method, pathname);
      return sendJson(res, 200, await rest.openApiDocument(dialect));
    }
    if (method === 'GET' && serveSwaggerUi(pathname, res)) return;
    if (pathname.startsWith('/api/trpc/')) {
      trpc(req, res);
      return;
    }
    if (await rest.handle(body, res)) return;
    if (pathname.startsWith('/api/auth/')) return betterAuth(req, res);
    if (pages && isPagePath(pathname)) return pages(req, res);
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
