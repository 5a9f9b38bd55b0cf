/**
 * The one way to declare a dialect endpoint. A declaration names where the endpoint answers
 * (dialect, method, path), who may call it (scope), what it takes and gives (zod input and output)
 * and a handler that maps the dialect's input to one core call and the result to the dialect's shape:
 *
 *   export const getRun = endpoint({
 *     dialect: 'agentd', method: 'GET', path: '/v1/runs/{run_id}', scope: 'runs:read',
 *     summary: 'A run with its steps', input: runIdParam, output: agentdRun,
 *     handler: async ({ deps, principal, input }) => toAgentdRun(await getRun(deps, principal, { id: input.run_id })),
 *   });
 *
 * Everything else — authentication, the scope check, validation with 400s naming the field, the
 * success status, OpenAPI documentation, SSE and WebSocket transport — comes from the declaration.
 * A dialect's router is assembled from the modules of its folder by `defineDialect`, never by hand.
 */
import type { ORPCMeta } from '@orpc/trpc';
import type { AnyProcedure as AnyTrpcProcedure } from '@trpc/server';
import { z } from 'zod';
import { trackStream } from '@/server/auth/open-streams';
import type { Principal } from '@/server/auth/principal';
import type { Scope } from '@/server/auth/scopes';
import type { Services } from '@/server/services';
import type { SseStream } from '@/server/stream/sse';
import type { WebSocketStream } from '@/server/stream/websocket';
import { authedProcedure, publicProcedure, router, scopedProcedure, streamAuthedProcedure } from '@/server/api/trpc';
import { emptyInput } from './schemas';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `public`: no credential needed; `authed`: any valid credential; otherwise the scope it needs. */
export type Access = Scope | 'public' | 'authed';

/**
 * How the endpoint answers:
 * - `json` (default): the handler's value, validated by `output`, with the declared status;
 * - `detailed`: the handler returns `{headers, body}` (cookies, downloads), `output` describes it;
 * - `sse`: the handler returns an `SseStream` (after its own checks), written as Server-Sent Events;
 * - `websocket`: the path is a WebSocket; the handler returns a `WebSocketStream` for the upgraded socket.
 */
export type Transport = 'json' | 'detailed' | 'sse' | 'websocket';

export interface Call<I, P extends Principal | null = Principal> {
  /** The process's services: what core use cases take as their first argument. */
  deps: Services;
  principal: P;
  input: I;
  /** Request headers (cursors such as Last-Event-ID, content negotiation). */
  headers: Headers;
  url: URL;
}

type PrincipalFor<A extends Access> = A extends 'public' ? Principal | null : Principal;

type Answer<T extends Transport, O> = T extends 'sse' ? SseStream : T extends 'websocket' ? WebSocketStream : O;

export interface EndpointDef<A extends Access, I extends z.ZodType, O extends z.ZodType, T extends Transport> {
  /** The OpenAPI tag: the dialect that documents the path (or `shared` for a root union). */
  dialect: string;
  method: Method;
  path: `/${string}`;
  scope: A;
  summary: string;
  description?: string;
  /** Success status: 200 unless the dialect documents 201, 202 or 204. */
  status?: 200 | 201 | 202 | 204;
  /** Params, query and body merged into one object; omit for an endpoint that takes nothing. */
  input?: I;
  /** Omit only for `sse` and `websocket` endpoints. */
  output?: O;
  transport?: T;
  /** For a `detailed` download: its media type, for the OpenAPI document. */
  download?: string;
  /**
   * An extra rule a dialect adds on top of the scope (EchoHelix's bootstrap token may not submit
   * work); throws an AppError to refuse.
   */
  guard?: (principal: PrincipalFor<A>, deps: Services) => void;
  handler(call: Call<z.output<I>, PrincipalFor<A>>): Promise<Answer<T, z.input<O>>> | Answer<T, z.input<O>>;
}

/** A declared WebSocket endpoint: served by the upgrade handler, not by the REST dispatcher. */
export interface WebSocketEndpoint {
  readonly kind: 'websocket';
  readonly dialect: string;
  readonly path: `/${string}`;
  readonly scope: Access;
  readonly summary: string;
  readonly input: z.ZodType;
  readonly guard?: (principal: Principal | null, deps: Services) => void;
  readonly handler: (call: Call<unknown, Principal | null>) => Promise<WebSocketStream> | WebSocketStream;
}

export function isWebSocketEndpoint(value: unknown): value is WebSocketEndpoint {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'websocket';
}

type Operation = Record<string, unknown> & { responses?: Record<string, unknown> };

function documentBody(status: number, description: string, mediaType: string, schema: Record<string, unknown>) {
  return (op: Operation): Operation => ({
    ...op,
    responses: { ...op.responses, [String(status)]: { description, content: { [mediaType]: { schema } } } },
  });
}

function routeMeta(def: EndpointDef<Access, z.ZodType, z.ZodType, Transport>): ORPCMeta {
  const transport = def.transport ?? 'json';
  const status = def.status ?? 200;
  return {
    route: {
      method: def.method,
      path: def.path,
      tags: [def.dialect],
      successStatus: status,
      summary: def.summary,
      description: def.description,
      inputStructure: 'compact',
      outputStructure: transport === 'detailed' ? 'detailed' : 'compact',
      ...(transport === 'sse'
        ? { spec: documentBody(200, 'Server-Sent Events; every frame carries `id: <seq>`', 'text/event-stream', { type: 'string' }) }
        : def.download
          ? { spec: documentBody(status, 'The file', def.download, { type: 'string', format: 'binary' }) }
          : {}),
    },
  } as ORPCMeta;
}

function baseProcedure(scope: Access, stream: boolean) {
  if (scope === 'public') return publicProcedure;
  if (scope === 'authed') return stream ? streamAuthedProcedure : authedProcedure;
  return scopedProcedure(scope, { stream });
}

export function endpoint<A extends Access, I extends z.ZodType = typeof emptyInput, O extends z.ZodType = z.ZodType, T extends Transport = 'json'>(
  def: EndpointDef<A, I, O, T> & { transport: 'websocket' },
): WebSocketEndpoint;
export function endpoint<A extends Access, I extends z.ZodType = typeof emptyInput, O extends z.ZodType = z.ZodType, T extends Transport = 'json'>(
  def: EndpointDef<A, I, O, T>,
): AnyTrpcProcedure;
export function endpoint(def: EndpointDef<Access, z.ZodType, z.ZodType, Transport>): AnyTrpcProcedure | WebSocketEndpoint {
  const input = def.input ?? emptyInput;
  if (def.transport === 'websocket') {
    return {
      kind: 'websocket',
      dialect: def.dialect,
      path: def.path,
      scope: def.scope,
      summary: def.summary,
      input,
      guard: def.guard as WebSocketEndpoint['guard'],
      handler: async (call) => closedOnRevocation(await (def.handler as WebSocketEndpoint['handler'])(call), call.principal),
    };
  }
  const stream = def.transport === 'sse';
  let procedure = baseProcedure(def.scope, stream)
    .meta(routeMeta(def))
    .input(input) as unknown as ReturnType<typeof publicProcedure.input>;
  if (def.output && !stream) procedure = procedure.output(def.output) as typeof procedure;
  const resolve = async ({ ctx, input: parsed }: { ctx: { services: Services; headers: Headers; url: URL; principal: unknown }; input: unknown }) => {
    // A public endpoint does not depend on who calls it: a credential that cannot be checked (the
    // database is down, and /health must still say so with its 503) makes the caller anonymous.
    const principal = (
      typeof ctx.principal === 'function' ? await (ctx.principal as () => Promise<Principal | null>)().catch(() => null) : ctx.principal
    ) as Principal | null;
    def.guard?.(principal as Principal, ctx.services);
    const answer = await def.handler({ deps: ctx.services, principal: principal as Principal, input: parsed, headers: ctx.headers, url: ctx.url });
    return stream ? closedOnRevocation(answer as SseStream, principal) : answer;
  };
  return (def.method === 'GET' ? procedure.query(resolve as never) : procedure.mutation(resolve as never)) as AnyTrpcProcedure;
}

/** A stream stays open only while the credentials that opened it do. */
function closedOnRevocation<S extends SseStream | WebSocketStream>(stream: S, principal: Principal | null): S {
  if (!principal) return stream;
  return Object.assign(stream, { untilRevoked: (close: () => void) => trackStream(principal.credentials, close) });
}

/** A dialect: its REST router (for the dispatcher and OpenAPI) and its WebSocket endpoints. */
export interface DialectApi {
  name: string;
  router: ReturnType<typeof router>;
  websockets: WebSocketEndpoint[];
}

/**
 * Assembles a dialect from the modules of its folder (`import * as runs from './runs'`): every
 * exported endpoint is served, under its export name; anything else a module exports is ignored.
 */
export function defineDialect(name: string, modules: ReadonlyArray<Record<string, unknown>>): DialectApi {
  const procedures: Record<string, AnyTrpcProcedure> = {};
  const websockets: WebSocketEndpoint[] = [];
  for (const mod of modules) {
    for (const [exportName, value] of Object.entries(mod)) {
      if (isWebSocketEndpoint(value)) websockets.push(value);
      else if (isProcedure(value)) {
        if (procedures[exportName]) throw new Error(`${name}: two endpoints are exported as ${exportName}`);
        procedures[exportName] = value;
      }
    }
  }
  return { name, router: router(procedures), websockets };
}

function isProcedure(value: unknown): value is AnyTrpcProcedure {
  return typeof value === 'function' && '_def' in value && (value as { _def?: { procedure?: unknown } })._def?.procedure === true;
}

/** The shape a handler returns for a `detailed` endpoint, and its output schema. */
export const detailed = <T extends z.ZodType>(body: T) =>
  z.object({ headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])), body });
