/**
 * The authorization matrix, generated from the routers themselves: every REST operation of every
 * dialect (and of the shared root), every canonical tRPC procedure and every WebSocket endpoint is
 * called with no credential, a bad one, a revoked key, a key that lacks the scope the operation
 * needs, and — for operations on an object named in the path — as another user. Each answer must be the right
 * status with the error envelope, and none may carry anything of the other user's objects. An
 * endpoint added later is in the matrix without a line written for it.
 */
import { isProcedure, type AnyProcedure } from '@orpc/server';
import { toORPCRouter } from '@orpc/trpc';
import type { AnyRouter } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DIALECTS, dialectRouters, WEBSOCKET_ENDPOINTS } from '@/server/api/dialects';
import { shared } from '@/server/api/dialects/shared/router';
import { appRouter } from '@/server/api/root';
import { adminPrincipal, type Principal } from '@/server/auth/principal';
import { userScopes } from '@/server/auth/resolve';
import { USER_SCOPES, type Scope } from '@/server/auth/scopes';
import * as apiKeys from '@/server/core/api-keys';
import * as approvals from '@/server/core/approvals';
import { upgradeAnswer } from '@/server/testing/ws-client';
import { startTestServer, type TestServer } from '@/server/testing/harness';

interface RestOperation {
  /** Where it is served: `/<dialect>` for a dialect's own surface, `` for the shared root. */
  base: string;
  method: string;
  path: string;
  input: unknown;
}

interface TrpcOperation {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  input: unknown;
}

function restOperations(base: string, router: AnyRouter): RestOperation[] {
  const out: RestOperation[] = [];
  const walk = (record: Record<string, unknown>) => {
    for (const value of Object.values(record)) {
      if (isProcedure(value)) {
        const procedure = value as AnyProcedure;
        const route = procedure['~orpc'].route;
        out.push({ base, method: route.method ?? 'POST', path: route.path ?? '/', input: procedure['~orpc'].inputSchema });
      } else walk(value as Record<string, unknown>);
    }
  };
  walk(toORPCRouter(router) as unknown as Record<string, unknown>);
  return out;
}

function trpcOperations(): TrpcOperation[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: TrpcOperation['type']; inputs: unknown[] } }>;
  return Object.entries(procedures).map(([path, p]) => ({ path, type: p._def.type, input: p._def.inputs[0] }));
}

const ALL_REST = [...restOperations('', shared.router), ...DIALECTS.flatMap((d) => restOperations(`/${d}`, dialectRouters[d]))];
const ALL_TRPC = trpcOperations();
/** WebSocket endpoints, at the root (canonical and dialect ones alike are served there). */
const ALL_WEBSOCKETS = Object.values(WEBSOCKET_ENDPOINTS).flat();

/** A value that satisfies a JSON schema well enough to pass validation, so the call reaches authorization and the object lookup. */
function sample(schema: Record<string, unknown> | undefined): unknown {
  if (!schema) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key] as Array<Record<string, unknown>> | undefined;
    if (options?.length) return sample(options.find((o) => o.type !== 'null') ?? options[0]);
  }
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as Array<Record<string, unknown>>).map((s) => sample(s)));
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : (schema.type as string | undefined);
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = new Set((schema.required ?? []) as string[]);
      return Object.fromEntries(Object.entries(properties).filter(([k]) => required.has(k)).map(([k, v]) => [k, sample(v)]));
    }
    case 'array': {
      const min = (schema.minItems as number | undefined) ?? 0;
      return Array.from({ length: Math.max(min, schema.items ? 1 : 0) }, () => sample(schema.items as Record<string, unknown>));
    }
    case 'string':
      return schema.format === 'date-time' ? new Date(Date.now() + 86_400_000).toISOString() : 'x'.repeat(Math.max(1, (schema.minLength as number | undefined) ?? 1));
    case 'integer':
    case 'number':
      return Math.max(1, (schema.minimum as number | undefined) ?? 1);
    case 'boolean':
      return true;
    default:
      return undefined;
  }
}

function sampleInput(schema: unknown): Record<string, unknown> {
  if (!schema) return {};
  try {
    const json = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const value = sample(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

let s: TestServer;
const secret = `leak-marker-${Date.now().toString(36)}`;
/** User A's objects, which user B must never reach. */
const a = { runId: '', sessionId: '', turnId: '', fileId: '', approvalId: '', workspace: '' };
let userB: Principal;
/** Keys of user B: one with no scope at all, one per user scope lacking just that scope, and a revoked one. */
const keys = { none: '', revoked: '', full: '', without: new Map<Scope, string>() };

async function register(username: string): Promise<{ token: string; id: string; root: string }> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${username}@example.com`, password: 'correct horse battery', username } });
  expect(res.status).toBe(201);
  const token = ((await res.json()) as { access_token: string }).access_token;
  const me = (await (await s.fetch('/api/auth/me', { token })).json()) as { id: string; workspace_roots: string[] };
  return { token, id: me.id, root: me.workspace_roots[0]! };
}

async function keyFor(principal: Principal, scopes: Scope[]): Promise<{ id: string; key: string }> {
  const created = await apiKeys.createApiKey(s.services, principal, { name: `matrix ${scopes.length}`, scopes });
  return { id: created.id, key: created.key };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
  const userA = await register('alice');
  const b = await register('bob');
  userB = { kind: 'user', id: b.id, userId: b.id, ownerId: b.id, name: 'bob', scopes: userScopes('user'), credentials: [] };

  const asA = { token: userA.token };
  const session = await (await s.fetch('/v1/sessions', { ...asA, method: 'POST', json: { workspace_path: userA.root } })).json();
  a.sessionId = session.session_id ?? session.id;
  a.workspace = userA.root;
  const posted = await (await s.fetch(`/v1/sessions/${a.sessionId}/messages`, { ...asA, method: 'POST', json: { role: 'user', parts: [{ type: 'text', text: secret }] } })).json();
  a.turnId = posted.turn_id;
  const run = await (await s.fetch('/v1/runs', { ...asA, method: 'POST', json: { workspace_path: '.', prompt: `::tool bash {"command":"echo ${secret}"}` } })).json();
  a.runId = run.run_id;
  a.approvalId = await waitFor(async () => (await approvals.listApprovals(s.services, adminPrincipal(), { runId: a.runId }))[0]?.id, 'the run to ask for approval');
  const form = new FormData();
  form.set('file', new Blob([secret], { type: 'text/plain' }), `${secret}.txt`);
  form.set('purpose', 'assistants');
  const file = await (await s.fetch('/api/v3/files', { ...asA, method: 'POST', body: form })).json();
  a.fileId = file.id ?? file.file_id ?? 'file_unknown';
  expect(a.runId && a.sessionId && a.turnId && a.workspace).toBeTruthy();

  keys.none = (await keyFor(userB, [])).key;
  keys.full = (await keyFor(userB, [...USER_SCOPES])).key;
  for (const scope of USER_SCOPES) keys.without.set(scope, (await keyFor(userB, USER_SCOPES.filter((x) => x !== scope))).key);
  const revoked = await keyFor(userB, [...USER_SCOPES]);
  await apiKeys.deleteApiKey(s.services, userB, { id: revoked.id });
  keys.revoked = revoked.key;
}, 120_000);
afterAll(() => s?.close());

/** The id of user A's object that a path parameter names, if the parameter names one. */
function ownedObjectFor(param: string, path: string): string | undefined {
  const name = param.toLowerCase();
  if (name.includes('run')) return a.runId;
  if (name.includes('session') || name.includes('thread')) return a.sessionId;
  if (name.includes('turn')) return a.turnId;
  if (name.includes('file')) return a.fileId;
  if (name.includes('approval')) return a.approvalId;
  if (name === 'id') {
    if (/\/runs\/\{id\}/.test(path)) return a.runId;
    if (/\/sessions\/\{id\}/.test(path)) return a.sessionId;
    if (/\/files\/\{id\}/.test(path)) return a.fileId;
    if (/\/approvals\/\{id\}/.test(path)) return a.approvalId;
  }
  return undefined;
}

interface Answer {
  status: number;
  text: string;
}

async function restCall(op: RestOperation, headers: Record<string, string>, objectIds = true): Promise<Answer> {
  const input = sampleInput(op.input);
  let path = op.path;
  for (const [, param] of op.path.matchAll(/\{([^}]+)\}/g)) {
    const value = (objectIds ? ownedObjectFor(param!, op.path) : undefined) ?? 'x_unknown';
    path = path.replace(`{${param}}`, encodeURIComponent(value));
    delete input[param!];
  }
  const init: RequestInit = { method: op.method, headers: { ...headers }, signal: AbortSignal.timeout(10_000) };
  if (op.method === 'GET' || op.method === 'DELETE') {
    const query = new URLSearchParams(Object.entries(input).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)).map(([k, v]) => [k, String(v)]));
    if ([...query].length) path += `?${query}`;
  } else {
    init.body = JSON.stringify(input);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${s.url}${op.base}${path}`, init);
  // A stream that (wrongly) opened would never end: its first bytes say enough.
  return { status: res.status, text: await firstBytes(res) };
}

/** The body as far as it comes within 3 s (a stream never ends), or up to where `enough` says so. */
async function firstBytes(res: Response, enough: (text: string) => boolean = () => false): Promise<string> {
  const reader = res.body?.getReader();
  let text = '';
  if (!reader) return text;
  const decoder = new TextDecoder();
  const deadline = Date.now() + 3_000;
  for (;;) {
    const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value?: undefined }>((r) => setTimeout(() => r({ done: true }), Math.max(0, deadline - Date.now())))]);
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
    if (enough(text)) break;
  }
  await reader.cancel().catch(() => {});
  return text;
}

async function trpcCall(op: TrpcOperation, headers: Record<string, string>, input: unknown = sampleInput(op.input)): Promise<Answer> {
  const encoded = encodeURIComponent(JSON.stringify(input));
  const init: RequestInit =
    op.type === 'mutation'
      ? { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(input) }
      : { method: 'GET', headers: { ...headers, ...(op.type === 'subscription' ? { accept: 'text/event-stream' } : {}) } };
  const url = `${s.url}/api/trpc/${op.path}${op.type === 'mutation' ? '' : `?input=${encoded}`}`;
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  // A subscription reports a refusal as its first event; nothing after it matters.
  const text = await firstBytes(res, (sofar) => op.type === 'subscription' && sofar.includes('\n\n'));
  return { status: res.status, text };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectRestRefusal(label: string, answer: Answer, status: number) {
  expect([label, answer.status], answer.text).toEqual([label, status]);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(body, label).toMatchObject({ statusCode: status, status });
  expect(typeof body.error, label).toBe('string');
  expect(body.detail, label).toBe(body.error);
  expect(body.code, label).toMatch(/^[A-Z_]+$/);
}

/** tRPC answers with its own envelope: the HTTP status (or, for a subscription, the first event) and `error.data.code`. */
function trpcErrorCode(answer: Answer): { status: number; code?: string; message?: string } {
  const json = answer.text.startsWith('{') ? answer.text : /data: (\{.*\})/.exec(answer.text)?.[1];
  const body = json ? (JSON.parse(json) as { error?: { message?: string; data?: { code?: string; httpStatus?: number } } }) : {};
  const error = body.error ?? (body as { message?: string; data?: { code?: string; httpStatus?: number } });
  return { status: error.data?.httpStatus ?? answer.status, code: error.data?.code, message: error.message };
}

function expectNoLeak(label: string, answer: Answer) {
  for (const value of [a.runId, a.sessionId, a.turnId, a.fileId, a.approvalId, a.workspace, secret]) {
    if (value) expect(answer.text.includes(value), `${label} leaks ${value}: ${answer.text.slice(0, 300)}`).toBe(false);
  }
}

const restLabel = (op: RestOperation) => `${op.method} ${op.base}${op.path}`;

/** The scope an operation needs, as the server names it when a key without any scope calls it: `authed`, `public` or a scope. */
async function requiredAccess(answer: Answer, anonymous: Answer): Promise<string> {
  if (anonymous.status !== 401) return 'public';
  if (answer.status !== 403) return 'authed';
  const message = answer.text.startsWith('{') ? (JSON.parse(answer.text) as { error?: unknown }).error : undefined;
  const text = typeof message === 'string' ? message : (trpcErrorCode(answer).message ?? '');
  // `missing scope: a or b` when either will do.
  return /missing scope: ([\w:]+(?: or [\w:]+)*)/.exec(text)?.[1] ?? 'forbidden';
}

describe('every REST operation of every dialect', () => {
  it('has operations to check', () => {
    expect(ALL_REST.length).toBeGreaterThan(20);
  });

  for (const op of ALL_REST) {
    it(`${restLabel(op)}: 401 without or with a bad or revoked credential, 403 without its scope, 404 for another owner's object`, async () => {
      const label = restLabel(op);
      const anonymous = await restCall(op, {}, false);
      const noScope = await restCall(op, bearer(keys.none));
      const access = await requiredAccess(noScope, anonymous);
      if (access === 'public') return;
      expectRestRefusal(`${label} anonymous`, anonymous, 401);
      expectRestRefusal(`${label} bad credential`, await restCall(op, bearer('sb_not-a-real-key-at-all')), 401);
      expectRestRefusal(`${label} revoked key`, await restCall(op, bearer(keys.revoked)), 401);
      if (access !== 'authed') {
        expectRestRefusal(`${label} key without ${access}`, noScope, 403);
        const withoutThatScope = keys.without.get(access as Scope);
        if (withoutThatScope) expectRestRefusal(`${label} key with every scope but ${access}`, await restCall(op, bearer(withoutThatScope)), 403);
      }
      expectNoLeak(label, noScope);
      const ownsAnObject = [...op.path.matchAll(/\{([^}]+)\}/g)].some(([, p]) => ownedObjectFor(p!, op.path) !== undefined);
      if (ownsAnObject && access !== 'admin') {
        const other = await restCall(op, bearer(keys.full));
        expectRestRefusal(`${label} as another owner`, other, 404);
        expectNoLeak(`${label} as another owner`, other);
      }
    });
  }
});

describe('every canonical tRPC procedure', () => {
  /** The input naming user A's object, for procedures that take one. */
  function ownedInput(op: TrpcOperation): Record<string, unknown> | undefined {
    const input = sampleInput(op.input);
    const [domain] = op.path.split('.');
    let named = false;
    for (const key of Object.keys(input)) {
      const value = key === 'id' ? ({ runs: a.runId, sessions: a.sessionId, approvals: a.approvalId } as Record<string, string>)[domain!] : ownedObjectFor(key.replace(/Id$/, '_id'), '');
      if (value) {
        input[key] = value;
        named = true;
      }
    }
    if (op.path === 'events.run' || op.path === 'events.session') {
      input.id = op.path === 'events.run' ? a.runId : a.sessionId;
      named = true;
    }
    return named ? input : undefined;
  }

  for (const op of ALL_TRPC) {
    it(`${op.path}: UNAUTHORIZED without or with a bad or revoked credential, FORBIDDEN without its scope, NOT_FOUND for another owner's object`, async () => {
      const anonymous = await trpcCall(op, {});
      const noScope = await trpcCall(op, bearer(keys.none));
      const access = await requiredAccess(
        { status: trpcErrorCode(noScope).status, text: noScope.text },
        { status: trpcErrorCode(anonymous).status, text: anonymous.text },
      );
      if (access === 'public') return;
      for (const [label, answer] of [
        ['anonymous', anonymous],
        ['bad credential', await trpcCall(op, bearer('sb_not-a-real-key-at-all'))],
        ['revoked key', await trpcCall(op, bearer(keys.revoked))],
      ] as const) {
        expect([op.path, label, trpcErrorCode(answer)]).toMatchObject([op.path, label, { status: 401, code: 'UNAUTHORIZED' }]);
      }
      if (access !== 'authed') {
        expect([op.path, trpcErrorCode(noScope)]).toMatchObject([op.path, { status: 403, code: 'FORBIDDEN' }]);
        const withoutThatScope = keys.without.get(access as Scope);
        if (withoutThatScope) expect([op.path, trpcErrorCode(await trpcCall(op, bearer(withoutThatScope)))]).toMatchObject([op.path, { status: 403, code: 'FORBIDDEN' }]);
      }
      expectNoLeak(op.path, noScope);
      const input = ownedInput(op);
      if (input && access !== 'admin') {
        const other = await trpcCall(op, bearer(keys.full), input);
        expect([op.path, trpcErrorCode(other)], other.text.slice(0, 300)).toMatchObject([op.path, { status: 404, code: 'NOT_FOUND' }]);
        expectNoLeak(`${op.path} as another owner`, other);
      }
    });
  }
});

describe('lists and summaries as another owner', () => {
  it('GET /v1/runs, /v1/sessions and tRPC runs.list / sessions.list / approvals.list hold none of the other owner\u2019s objects', async () => {
    for (const path of ['/v1/runs', '/v1/sessions']) {
      const res = await s.fetch(path, { token: keys.full });
      expect([path, res.status]).toEqual([path, 200]);
      expectNoLeak(path, { status: res.status, text: await res.text() });
    }
    for (const op of ALL_TRPC.filter((o) => o.type === 'query' && /\.list/.test(o.path))) {
      const answer = await trpcCall(op, bearer(keys.full));
      expectNoLeak(op.path, answer);
    }
  });
});

/** The answer to an upgrade that is refused (the socket never opens), or `101` when it opens. */
async function upgrade(pathname: string, headers: Record<string, string>): Promise<Answer> {
  const { status, text } = await upgradeAnswer(`${s.url.replace(/^http/, 'ws')}${pathname}`, headers);
  return { status, text };
}

describe('every WebSocket endpoint', () => {
  for (const endpoint of ALL_WEBSOCKETS) {
    it(`${endpoint.path} (WebSocket): refused without, with a bad or revoked credential, without its scope, and for another owner's object`, async () => {
      if (endpoint.scope === 'public') return;
      const fill = (objectIds: boolean) =>
        endpoint.path.replace(/\{([^}]+)\}/g, (_m, param: string) => encodeURIComponent((objectIds ? ownedObjectFor(param, endpoint.path) : undefined) ?? 'x_unknown'));
      const label = `WS ${endpoint.path}`;
      expectRestRefusal(`${label} anonymous`, await upgrade(fill(false), {}), 401);
      expectRestRefusal(`${label} bad credential`, await upgrade(fill(false), bearer('sb_not-a-real-key-at-all')), 401);
      expectRestRefusal(`${label} revoked key`, await upgrade(fill(false), bearer(keys.revoked)), 401);
      if (endpoint.scope !== 'authed') expectRestRefusal(`${label} key without ${endpoint.scope}`, await upgrade(fill(true), bearer(keys.none)), 403);
      if (/\{[^}]+\}/.test(endpoint.path) && endpoint.scope !== 'admin') {
        const other = await upgrade(fill(true), bearer(keys.full));
        expectRestRefusal(`${label} as another owner`, other, 404);
        expectNoLeak(label, other);
      }
    });
  }
});
