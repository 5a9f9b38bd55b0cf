import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAPIHandler } from '@orpc/openapi/node';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from '@/server/api/dialects/rest-meta';
import { publicProcedure, router } from '@/server/api/trpc';
import { buildRootRouter } from './rest';

// Two dialects declaring the same path, and a literal segment beside a parameter, as Aegis and agentd do.
const first = router({
  batchDelete: publicProcedure
    .meta(rest('first', 'DELETE', '/v1/things/batch'))
    .input(z.object({ ids: z.array(z.string()) }).optional())
    .mutation(({ input }) => ({ deleted: input?.ids ?? [], via: 'batch' })),
  deleteOne: publicProcedure
    .meta(rest('first', 'DELETE', '/v1/things/{id}'))
    .input(z.object({ id: z.string() }))
    .mutation(({ input }) => ({ deleted: [input.id], via: 'one' })),
  shared: publicProcedure.meta(rest('first', 'GET', '/v1/shared')).query(() => ({ from: 'first' })),
  touch: publicProcedure
    .meta(rest('first', 'POST', '/v1/things/{id}/touch', { status: 202 }))
    .input(z.object({ id: z.string() }))
    .mutation(({ input }) => ({ touched: input.id })),
});
const second = router({
  shared: publicProcedure.meta(rest('second', 'GET', '/v1/shared')).query(() => ({ from: 'second' })),
  // The same route as first's DELETE /v1/things/{id}, under another parameter name.
  deleteOne: publicProcedure
    .meta(rest('second', 'DELETE', '/v1/things/{thing_id}'))
    .input(z.object({ thing_id: z.string() }))
    .mutation(({ input }) => ({ deleted: [input.thing_id], via: 'second' })),
  own: publicProcedure.meta(rest('second', 'GET', '/v1/own')).query(() => ({ from: 'second' })),
});

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
    const { matched } = await handler.handle(req, res, { context: {} as never });
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
