/**
 * REST at the documented paths: the dialect tRPC routers, bridged to oRPC's OpenAPI handler.
 * One handler serves the root (with cross-dialect precedence), and one per dialect serves
 * `/<dialect>/…` with that dialect's strict shapes. Errors leave as the shared envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OpenAPIGenerator } from '@orpc/openapi';
import { OpenAPIHandler } from '@orpc/openapi/node';
import { isProcedure, ORPCError, type AnyProcedure } from '@orpc/server';
import { AppError } from '@/server/core/shared/errors';
import { BodyLimitPlugin } from '@orpc/server/node';
import { toORPCRouter } from '@orpc/trpc';
import { ZodToJsonSchemaConverter } from '@orpc/zod/zod4';
import type { AnyRouter } from '@trpc/server';
import { DIALECTS, dialectRouters, ROOT_PRECEDENCE, WEBSOCKET_ENDPOINTS, type Dialect } from '@/server/api/dialects';
import type { Context } from '@/server/api/context';
import type { Principal } from '@/server/auth/principal';
import { isSseStream, writeSse } from '@/server/stream/sse';
import type { Services } from '@/server/services';
import { errorResponse } from './error-envelope';
import { requestContext, requestUrl } from './node-request';
import { withWebSockets } from './websocket-docs';

class ProcedureFailure extends Error {
  constructor(cause: unknown) {
    super('procedure failed', { cause });
  }
}

class StreamWritten extends Error {}

function malformedRequest(err: unknown): unknown {
  if (err instanceof ORPCError) return err; // body limit, unsupported media, …
  return new AppError('BAD_REQUEST', 'malformed request body: check that it matches its Content-Type', { code: 'MALFORMED_BODY', cause: err });
}

type ORPCRouterRecord = { [key: string]: AnyProcedure | ORPCRouterRecord };

// Multipart framing around an upload of exactly MAX_UPLOAD_BYTES must still fit; the file's own size
// is checked against the limit by the use case, so "one byte more" is still refused there.
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The largest request body any API endpoint (REST or tRPC) reads. */
export function requestBodyLimit(env: Services['env']): number {
  return env.maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
}

/**
 * `METHOD /path` with parameter names erased: `/v1/sessions/{id}` and `/v1/sessions/{session_id}`
 * are one route, so precedence decides who serves it (and OpenAPI never holds both).
 */
export function routeKey(procedure: AnyProcedure): string {
  const route = procedure['~orpc'].route;
  return `${route.method ?? 'POST'} ${(route.path ?? '').replace(/\{[^}]*\}/g, '{}')}`;
}

function collect(record: ORPCRouterRecord, into: Map<string, AnyProcedure>): void {
  for (const value of Object.values(record)) {
    if (isProcedure(value)) into.set(routeKey(value), value);
    else collect(value as ORPCRouterRecord, into);
  }
}

/** Drops every procedure whose method and path an earlier router already serves. */
function withoutTaken(record: ORPCRouterRecord, taken: Set<string>): ORPCRouterRecord {
  const out: ORPCRouterRecord = {};
  for (const [key, value] of Object.entries(record)) {
    if (isProcedure(value)) {
      if (!taken.has(routeKey(value))) out[key] = value;
    } else {
      out[key] = withoutTaken(value as ORPCRouterRecord, taken);
    }
  }
  return out;
}

export function buildRootRouter(precedence: ReadonlyArray<readonly [string, AnyRouter]> = ROOT_PRECEDENCE): ORPCRouterRecord {
  const taken = new Set<string>();
  const root: ORPCRouterRecord = {};
  for (const [name, trpcRouter] of precedence) {
    const record = withoutTaken(toORPCRouter(trpcRouter) as unknown as ORPCRouterRecord, taken);
    const serves = new Map<string, AnyProcedure>();
    collect(record, serves);
    for (const key of serves.keys()) taken.add(key);
    root[name] = record;
  }
  return root;
}

export interface RestApi {
  /**
   * Serves the request if a documented path matches; false when nothing matched. `principal` is the
   * request's principal when the caller already resolved it.
   */
  handle(req: IncomingMessage, res: ServerResponse, principal?: Promise<Principal | null>): Promise<boolean>;
  openApiDocument(dialect?: Dialect): Promise<unknown>;
  /** `METHOD /path` of every REST route at the root, for tests and docs. */
  rootRoutes(): string[];
}

export function createRestApi(services: Services, log: (err: unknown) => void): RestApi {
  const rootRouter = buildRootRouter();
  const routers: Record<Dialect, ORPCRouterRecord> = Object.fromEntries(
    DIALECTS.map((d) => [d, toORPCRouter(dialectRouters[d]) as unknown as ORPCRouterRecord]),
  ) as Record<Dialect, ORPCRouterRecord>;

  const makeHandler = (router: ORPCRouterRecord) =>
    new OpenAPIHandler(router, {
      plugins: [new BodyLimitPlugin({ maxBodySize: requestBodyLimit(services.env) })],
      // Errors from the procedure are marked on their way out, so anything unmarked that reaches the
      // outer interceptor failed while decoding the request: a malformed body, not a server fault.
      clientInterceptors: [
        async ({ next, context }) => {
          let output: unknown;
          try {
            output = await next();
          } catch (err) {
            throw new ProcedureFailure(err);
          }
          // A streaming procedure returns a stream descriptor after its checks; the stream is
          // written here, straight to the socket, and the handler sends nothing more.
          const ctx = context as unknown as Context;
          if (isSseStream(output) && ctx.raw) {
            ctx.raw.streamed = true;
            await writeSse(ctx.raw.res, output, services);
            throw new StreamWritten();
          }
          return output;
        },
      ],
      interceptors: [
        async ({ next }) => {
          try {
            return await next();
          } catch (err) {
            if (err instanceof StreamWritten) return { matched: false, response: undefined };
            const cause = err instanceof ProcedureFailure ? err.cause : malformedRequest(err);
            const { status, headers, body } = errorResponse(cause, log);
            return { matched: true, response: { status, headers, body } };
          }
        },
      ],
    });

  const rootHandler = makeHandler(rootRouter);
  const dialectHandlers = Object.fromEntries(DIALECTS.map((d) => [d, makeHandler(routers[d])])) as Record<Dialect, OpenAPIHandler<never>>;

  const docs = new Map<string, Promise<unknown>>();
  const generator = new OpenAPIGenerator({ schemaConverters: [new ZodToJsonSchemaConverter()] });

  return {
    async handle(req, res, principal) {
      const url = requestUrl(req);
      const first = url.pathname.split('/')[1] as Dialect;
      const dialect = (DIALECTS as readonly string[]).includes(first) ? first : undefined;
      const context = requestContext(services, req, { res }, principal);
      const handler = dialect ? dialectHandlers[dialect] : rootHandler;
      const { matched } = await handler.handle(req, res, { prefix: dialect ? `/${dialect}` : undefined, context: context as never });
      return matched || context.raw!.streamed;
    },

    openApiDocument(dialect) {
      const key = dialect ?? '*';
      let doc = docs.get(key);
      if (!doc) {
        doc = generator.generate((dialect ? routers[dialect] : rootRouter) as never, {
          info: {
            title: dialect ? `Switchboard — ${dialect} dialect` : 'Switchboard',
            version: services.version,
            description: dialect
              ? `The ${dialect} API as its own clients expect it, under the /${dialect} base path.`
              : 'Every dialect at its documented root paths. Shared paths carry the union of the dialects\u2019 fields.',
          },
          servers: [{ url: dialect ? `/${dialect}` : '/' }],
          components: {
            securitySchemes: {
              bearer: { type: 'http', scheme: 'bearer' },
              apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
            },
          },
          security: [{ bearer: [] }, { apiKey: [] }],
        });
        // Sockets at the root: canonical ones, then each dialect's, as the upgrade handler serves them.
        const sockets = dialect ? WEBSOCKET_ENDPOINTS[dialect] : [WEBSOCKET_ENDPOINTS.root, ...DIALECTS.map((d) => WEBSOCKET_ENDPOINTS[d])].flat();
        // withWebSockets also gives an empty router the `paths` that OpenAPI validators require.
        doc = doc.then((d) => withWebSockets(d as { paths?: Record<string, Record<string, unknown>> }, sockets));
        docs.set(key, doc);
      }
      return doc;
    },

    rootRoutes() {
      const all = new Map<string, AnyProcedure>();
      collect(rootRouter, all);
      return [...all.values()].map((p) => `${p['~orpc'].route.method ?? 'POST'} ${p['~orpc'].route.path ?? ''}`).sort();
    },
  };
}
