/**
 * WebSocket endpoints in the OpenAPI documents. OpenAPI has no WebSocket operation, so a socket is
 * documented the way the dialects' own documents do it: a GET whose answer is `101 Switching
 * Protocols`, with its path and query parameters. REST operations are generated from the routers;
 * sockets are served by the upgrade handler and added here.
 */
import { z } from 'zod';
import type { WebSocketEndpoint } from '@/server/api/dialects/endpoint';

type Paths = Record<string, Record<string, unknown>>;

const routeKey = (path: string) => path.replace(/\{[^}]*\}/g, '{}');

function operation(endpoint: WebSocketEndpoint): Record<string, unknown> {
  const pathParams = [...endpoint.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const shape = endpoint.input instanceof z.ZodObject ? Object.keys(endpoint.input.shape) : [];
  const queryParams = shape.filter((name) => !pathParams.includes(name));
  return {
    tags: [endpoint.dialect],
    summary: endpoint.summary,
    description: 'A WebSocket: connect with an HTTP upgrade. Browsers, which cannot set headers on a WebSocket, may pass the token as `?access_token=`.',
    parameters: [
      ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...queryParams.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
    ],
    responses: {
      '101': { description: 'Switching Protocols: the connection is a WebSocket from here on' },
      '401': { description: 'Missing or invalid credentials' },
      '403': { description: 'Missing scope' },
      '404': { description: 'Unknown id' },
    },
  };
}

/**
 * The document with a GET for each socket whose path no REST GET (parameter names aside) or
 * earlier socket documents already: the same first-wins rule the upgrade handler serves by.
 */
export function withWebSockets<D extends { paths?: Paths }>(doc: D, endpoints: readonly WebSocketEndpoint[]): D & { paths: Paths } {
  const paths: Paths = { ...doc.paths };
  const taken = new Set(
    Object.entries(paths)
      .filter(([, ops]) => 'get' in ops)
      .map(([path]) => routeKey(path)),
  );
  for (const endpoint of endpoints) {
    if (taken.has(routeKey(endpoint.path))) continue;
    taken.add(routeKey(endpoint.path));
    paths[endpoint.path] = { ...paths[endpoint.path], get: operation(endpoint) };
  }
  return { ...doc, paths };
}
