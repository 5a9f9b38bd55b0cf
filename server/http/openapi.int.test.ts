import fs from 'node:fs';
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
 * method and path), each with the module of server/api/dialects/echohelix that serves it. Data, not
 * code: a new row is one more line.
 */
const ECHOHELIX_CONTRACT = `
GET /healthz                                               health
POST /api/v3/pair/start                                    pairing
POST /api/v3/pair/complete                                 pairing
POST /api/v3/session/refresh                               pairing
GET /api/v3/devices                                        devices
POST /api/v3/devices/{address}/rename                      devices
POST /api/v3/devices/{address}/revoke                      devices
POST /api/v3/runs                                          runs
GET /api/v3/runs/{run_id}                                  runs
POST /api/v3/runs/{run_id}/cancel                          runs
GET /api/v3/runs/{run_id}/events                           runs
POST /api/v3/sessions                                      sessions
GET /api/v3/sessions                                       sessions
GET /api/v3/sessions/{session_id}                          sessions
DELETE /api/v3/sessions/{session_id}                       sessions
POST /api/v3/sessions/{session_id}/turns                   sessions
POST /api/v3/sessions/{session_id}/interrupt               sessions
GET /api/v3/sessions/{session_id}/backend/status           session-backend
POST /api/v3/sessions/{session_id}/backend/call            session-backend
GET /api/v3/sessions/{session_id}/events                   sessions
GET /api/v3/sessions/{session_id}/requests                 session-requests
POST /api/v3/sessions/{session_id}/requests/{request_id}   session-requests
GET /api/v3/sessions/{session_id}/approvals                session-requests
POST /api/v3/sessions/{session_id}/approvals/{request_id}  session-requests
GET /api/v3/backends                                       backends
GET /api/v3/usage/tokens                                   usage
GET /api/v3/usage/quota                                    usage
POST /api/v3/files                                         files
GET /api/v3/files/{file_id}                                files
POST /api/v3/emergency/stop                                emergency
POST /api/v3/emergency/resume                              emergency
GET /api/v3/emergency/status                               emergency
`
  .trim()
  .split('\n')
  .map((line) => {
    const [method, path, module] = line.split(/\s+/) as [string, string, string];
    return { route: `${method} ${path}`, module };
  });

const ECHOHELIX_MODULES = new URL('../api/dialects/echohelix/', import.meta.url);

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

  it('GET /api-doc/echohelix/openapi.json documents every EchoHelix endpoint of the contract, sockets included', async () => {
    const doc = (await (await s.fetch('/api-doc/echohelix/openapi.json')).json()) as Doc & { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const documented = new Set(documentedRoutes(doc).map(routeKey));
    const declared = new Set(declaredRoutes(dialectRouters.echohelix, 'echohelix').map(routeKey));
    // Every row whose module is there must be served and documented. The modules are built on
    // parallel branches; once they are all merged, this holds for every row of the contract.
    const expected = ECHOHELIX_CONTRACT.filter((row) => fs.existsSync(new URL(`${row.module}.ts`, ECHOHELIX_MODULES))).map((row) => row.route);
    expect(expected).toEqual(expect.arrayContaining(['GET /api/v3/backends', 'GET /api/v3/usage/tokens', 'GET /api/v3/usage/quota', 'POST /api/v3/emergency/stop']));
    expect(expected.filter((route) => !declared.has(routeKey(route)))).toEqual([]);
    expect(expected.filter((route) => !documented.has(routeKey(route)))).toEqual([]);
    // Nothing is documented that the contract does not list.
    const contract = new Set(ECHOHELIX_CONTRACT.map((row) => routeKey(row.route)));
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
