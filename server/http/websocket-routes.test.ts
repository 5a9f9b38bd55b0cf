import { describe, expect, it } from 'vitest';
import { endpoint, type WebSocketEndpoint } from '@/server/api/dialects/endpoint';
import { webSocketRoutes } from './websocket-routes';

const socket = (dialect: string, path: `/${string}`): WebSocketEndpoint =>
  endpoint({
    dialect,
    method: 'GET',
    path,
    scope: 'runs:read',
    transport: 'websocket',
    summary: `${dialect} ${path}`,
    handler: () => ({ streamId: 'x', fromSeq: 1, message: () => null }),
  });

const runEvents = socket('echohelix', '/api/v3/runs/{run_id}/events');
const latestEvents = socket('echohelix', '/api/v3/runs/latest/events');
const sameRunEventsElsewhere = socket('everruns', '/api/v3/runs/{id}/events');
const canonical = socket('switchboard', '/api/v1/runs/{run_id}/events/ws');

const routes = webSocketRoutes(
  { root: [canonical], echohelix: [runEvents, latestEvents], everruns: [sameRunEventsElsewhere] },
  ['echohelix', 'everruns'],
);

describe('WebSocket routes', () => {
  it("serves a dialect's endpoint at the root and under the dialect's base path, with its path parameters", () => {
    expect(routes.match('/api/v3/runs/run_1/events')).toEqual({ endpoint: runEvents, params: { run_id: 'run_1' } });
    expect(routes.match('/echohelix/api/v3/runs/run_1/events')).toEqual({ endpoint: runEvents, params: { run_id: 'run_1' } });
  });

  it('serves a root endpoint at the root only', () => {
    expect(routes.match('/api/v1/runs/run_1/events/ws')?.endpoint).toBe(canonical);
    expect(routes.match('/echohelix/api/v1/runs/run_1/events/ws')).toBeUndefined();
  });

  it('a literal segment beats a parameter (…/runs/latest/events is not …/runs/{run_id}/events)', () => {
    expect(routes.match('/api/v3/runs/latest/events')).toEqual({ endpoint: latestEvents, params: {} });
    expect(routes.match('/echohelix/api/v3/runs/latest/events')?.endpoint).toBe(latestEvents);
  });

  it('one path declared by two dialects under different parameter names: precedence decides the root, each keeps its base path', () => {
    expect(routes.match('/api/v3/runs/run_1/events')?.endpoint).toBe(runEvents);
    expect(routes.match('/everruns/api/v3/runs/run_1/events')).toEqual({ endpoint: sameRunEventsElsewhere, params: { id: 'run_1' } });
    expect(routes.paths().filter((p) => p.startsWith('/api/v3/runs/{'))).toEqual(['/api/v3/runs/{run_id}/events']);
  });

  it('decodes parameters and matches nothing for an empty or malformed one, or a different length', () => {
    expect(routes.match('/api/v3/runs/run%201/events')?.params).toEqual({ run_id: 'run 1' });
    expect(routes.match('/api/v3/runs//events')).toBeUndefined();
    expect(routes.match('/api/v3/runs/%E0%A4%A/events')).toBeUndefined();
    expect(routes.match('/api/v3/runs/run_1/events/more')).toBeUndefined();
    expect(routes.match('/api/v3/runs/run_1')).toBeUndefined();
  });
});
