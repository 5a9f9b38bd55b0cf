import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '@/server/api/dialects';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>> };

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
    expect(documentedRoutes(doc)).toEqual(s.app.rest.rootRoutes());
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
