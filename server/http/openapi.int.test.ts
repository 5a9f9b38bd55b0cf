import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRouter } from '@trpc/server';
import { DIALECTS, dialectRouters, WEBSOCKET_ENDPOINTS } from '@/server/api/dialects';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { webSocketRoutes } from './websocket-routes';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>> };

/**
 * EchoHelix's endpoints as its contract lists them (the echohelix rows of the spec's endpoints.tsv:
 * method and path). Data, not code: a new row is one more line.
 */
const ECHOHELIX_CONTRACT = `
GET /healthz
POST /api/v3/pair/start
POST /api/v3/pair/complete
POST /api/v3/session/refresh
GET /api/v3/devices
POST /api/v3/devices/{address}/rename
POST /api/v3/devices/{address}/revoke
POST /api/v3/runs
GET /api/v3/runs/{run_id}
POST /api/v3/runs/{run_id}/cancel
GET /api/v3/runs/{run_id}/events
POST /api/v3/sessions
GET /api/v3/sessions
GET /api/v3/sessions/{session_id}
DELETE /api/v3/sessions/{session_id}
POST /api/v3/sessions/{session_id}/turns
POST /api/v3/sessions/{session_id}/interrupt
GET /api/v3/sessions/{session_id}/backend/status
POST /api/v3/sessions/{session_id}/backend/call
GET /api/v3/sessions/{session_id}/events
GET /api/v3/sessions/{session_id}/requests
POST /api/v3/sessions/{session_id}/requests/{request_id}
GET /api/v3/sessions/{session_id}/approvals
POST /api/v3/sessions/{session_id}/approvals/{request_id}
GET /api/v3/backends
GET /api/v3/usage/tokens
GET /api/v3/usage/quota
POST /api/v3/files
GET /api/v3/files/{file_id}
POST /api/v3/emergency/stop
POST /api/v3/emergency/resume
GET /api/v3/emergency/status
`
  .trim()
  .split('\n');

/** `METHOD /path` with parameter names erased, so `{id}` and `{run_id}` compare equal. */
const routeKey = (route: string) => route.replace(/\{[^}]*\}/g, '{}');

/** What a dialect declares: its REST procedures' routes and its sockets (as GETs). */
function declaredRoutes(dialectRouter: AnyRouter, dialect: (typeof DIALECTS)[number]): string[] {
  const procedures = Object.values(dialectRouter._def.procedures) as Array<{ _def: { meta?: { route?: { method?: string; path?: string } } } }>;
  return [
    ...procedures.map((p) => `${p._def.meta?.route?.method ?? 'POST'} ${p._def.meta?.route?.path ?? ''}`),
    ...WEBSOCKET_ENDPOINTS[dialect].map((socket) => `GET ${socket.path}`),
  ];
}

function documentedRoutes(doc: Doc): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe('GET /api-doc/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document listing every REST route', async () => {
    const res = await s.fetch('/api-doc/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toMatch(/^3\.1\./);
    await SwaggerParser.validate(structuredClone(doc) as never);
    // Sockets too, as GETs answering 101: the root ones (under a dialect's base path they belong to its document).
    const rootSockets = webSocketRoutes()
      .paths()
      .filter((p) => !DIALECTS.some((d) => p.startsWith(`/${d}/`)))
      .map((p) => `GET ${p}`);
    expect(documentedRoutes(doc)).toEqual([...s.app.rest.rootRoutes(), ...rootSockets].sort());
    const ops = doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    expect(Object.keys(ops['/v1/runs/{run_id}/events']!.get!.responses['200']!.content!)).toEqual(['text/event-stream']);
    expect(Object.keys(ops['/v1/runs/{run_id}/export']!.get!.responses['200']!.content!)).toEqual(['application/zip']);
    expect(JSON.stringify(ops['/api/v3/files']!.post)).toContain('multipart/form-data');
    for (const route of ['GET /health', 'GET /healthz', 'GET /v1/health', 'POST /v1/auth/keys', 'DELETE /api/auth/api-keys/{key_id}', 'POST /api/v3/files']) {
      expect(documentedRoutes(doc)).toContain(route);
    }
  });

  it.each(DIALECTS)('GET /api-doc/%s/openapi.json is valid and scoped to the dialect', async (dialect) => {
    const res = await s.fetch(`/api-doc/${dialect}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.servers).toEqual([{ url: `/${dialect}` }]);
    await SwaggerParser.validate(structuredClone(doc));
  });

  it('GET /api-doc/echohelix/openapi.json documents every EchoHelix endpoint of the contract that is built, sockets included', async () => {
    const doc = (await (await s.fetch('/api-doc/echohelix/openapi.json')).json()) as Doc & { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const documented = new Set(documentedRoutes(doc).map(routeKey));
    const declared = new Set(declaredRoutes(dialectRouters.echohelix, 'echohelix').map(routeKey));
    const built = ECHOHELIX_CONTRACT.filter((row) => declared.has(routeKey(row)));
    // This branch builds backends, usage and the emergency stop; runs, sessions, pairing and devices
    // arrive with their own branches, and each row is checked here as soon as it is declared.
    expect(built).toEqual(expect.arrayContaining(['GET /api/v3/backends', 'GET /api/v3/usage/tokens', 'GET /api/v3/usage/quota', 'POST /api/v3/emergency/stop']));
    expect(built.filter((row) => !documented.has(routeKey(row)))).toEqual([]);
    // Nothing is documented that the contract does not list.
    const contract = new Set(ECHOHELIX_CONTRACT.map(routeKey));
    expect([...documented].filter((route) => !contract.has(route))).toEqual([]);
    for (const socket of WEBSOCKET_ENDPOINTS.echohelix) expect(Object.keys(doc.paths[socket.path]!.get!.responses)).toContain('101');
  });

  it('GET /swagger-ui/ is an HTML page over the documents', async () => {
    const res = await s.fetch('/swagger-ui/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('swagger-ui-bundle.js');
    const init = await (await s.fetch('/swagger-ui/init.js')).text();
    expect(init).toContain('/api-doc/openapi.json');
    expect((await s.fetch('/swagger-ui/swagger-ui-bundle.js')).status).toBe(200);
  });
});
