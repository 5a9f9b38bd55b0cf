import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIHandler } from '@orpc/openapi/node';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDialect, endpoint } from '@/server/api/dialects/endpoint';
import { buildRootRouter } from './rest';

// Two dialects declaring the same path, and a literal segment beside a parameter, as Aegis and agentd do.
const first = defineDialect('first', [
  {
    batchDelete: endpoint({
      dialect: 'first',
      method: 'DELETE',
      path: '/v1/things/batch',
      scope: 'public',
      summary: 'Delete several things',
      input: z.object({ ids: z.array(z.string()) }).optional(),
      handler: ({ input }) => ({ deleted: input?.ids ?? [], via: 'batch' }),
    }),
    deleteOne: endpoint({
      dialect: 'first',
      method: 'DELETE',
      path: '/v1/things/{id}',
      scope: 'public',
      summary: 'Delete one thing',
      input: z.object({ id: z.string() }),
      handler: ({ input }) => ({ deleted: [input.id], via: 'one' }),
    }),
    shared: endpoint({ dialect: 'first', method: 'GET', path: '/v1/shared', scope: 'public', summary: 'Shared', handler: () => ({ from: 'first' }) }),
    touch: endpoint({
      dialect: 'first',
      method: 'POST',
      path: '/v1/things/{id}/touch',
      scope: 'public',
      status: 202,
      summary: 'Touch a thing',
      input: z.object({ id: z.string() }),
      handler: ({ input }) => ({ touched: input.id }),
    }),
  },
]).router;
const second = defineDialect('second', [
  {
    shared: endpoint({ dialect: 'second', method: 'GET', path: '/v1/shared', scope: 'public', summary: 'Shared', handler: () => ({ from: 'second' }) }),
    // The same route as first's DELETE /v1/things/{id}, under another parameter name.
    deleteOne: endpoint({
      dialect: 'second',
      method: 'DELETE',
      path: '/v1/things/{thing_id}',
      scope: 'public',
      summary: 'Delete one thing',
      input: z.object({ thing_id: z.string() }),
      handler: ({ input }) => ({ deleted: [input.thing_id], via: 'second' }),
    }),
    own: endpoint({ dialect: 'second', method: 'GET', path: '/v1/own', scope: 'public', summary: 'Own', handler: () => ({ from: 'second' }) }),
  },
]).router;

let server: http.Server;
let base: string;
beforeAll(async () => {
  const handler = new OpenAPIHandler(
    buildRootRouter([
      ['first', first],
      ['second', second],
    ]) as never,
  );
  server = http.createServer(async (req, res) => {
    // Public endpoints ask who is calling (nobody, here) before their handler runs.
    const { matched } = await handler.handle(req, res, { context: { principal: async () => null } as never });
    if (!matched) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('REST routing', () => {
  it('a literal segment beats a parameter (DELETE /v1/things/batch is not DELETE /v1/things/{id})', async () => {
    const batch = await fetch(`${base}/v1/things/batch`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"ids":["a","b"]}' });
    expect(await batch.json()).toEqual({ deleted: ['a', 'b'], via: 'batch' });
    const one = await fetch(`${base}/v1/things/abc`, { method: 'DELETE' });
    expect(await one.json()).toEqual({ deleted: ['abc'], via: 'one' });
  });

  it('the first router in precedence order wins a shared path; the others keep their own', async () => {
    expect(await (await fetch(`${base}/v1/shared`)).json()).toEqual({ from: 'first' });
    expect(await (await fetch(`${base}/v1/own`)).json()).toEqual({ from: 'second' });
  });

  it('parameter names do not matter: /v1/things/{thing_id} is the same route as /v1/things/{id}, and precedence decides', async () => {
    const one = await fetch(`${base}/v1/things/xyz`, { method: 'DELETE' });
    expect(await one.json()).toEqual({ deleted: ['xyz'], via: 'one' });
    const served = buildRootRouter([
      ['first', first],
      ['second', second],
    ]) as { second: Record<string, unknown> };
    expect(Object.keys(served.second).sort()).toEqual(['own']);
  });

  it('a POST with no body and no content type reaches the procedure with its declared status', async () => {
    const res = await fetch(`${base}/v1/things/t1/touch`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ touched: 't1' });
  });
});
