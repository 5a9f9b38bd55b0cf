/**
 * Which declared WebSocket endpoint a path belongs to. A dialect's endpoints answer at the root and
 * under the dialect's base path (`/echohelix/api/v3/runs/{run_id}/events`); canonical (`root`)
 * endpoints at the root only. Two declarations of one path (parameter names aside) at the root:
 * the first in precedence order wins, as for REST. A literal segment beats a parameter.
 */
import { DIALECTS, WEBSOCKET_ENDPOINTS } from '@/server/api/dialects';
import type { WebSocketEndpoint } from '@/server/api/dialects/endpoint';

export interface WebSocketMatch {
  endpoint: WebSocketEndpoint;
  params: Record<string, string>;
}

interface Route {
  endpoint: WebSocketEndpoint;
  /** Literal segments as they are; a parameter as its name. */
  segments: Array<{ literal: string } | { param: string }>;
}

function compile(path: string, endpoint: WebSocketEndpoint): Route {
  return {
    endpoint,
    segments: path
      .split('/')
      .slice(1)
      .map((segment) => {
        const param = /^\{([^}]+)\}$/.exec(segment)?.[1];
        return param ? { param } : { literal: segment };
      }),
  };
}

/** Matches a route; its rank has one character per segment, `0` literal, `1` parameter, so a lower rank is more literal first. */
function matchRoute(route: Route, parts: string[]): { params: Record<string, string>; rank: string } | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  let rank = '';
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i]!;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
      rank += '0';
      continue;
    }
    if (part === '') return undefined;
    try {
      params[segment.param] = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    rank += '1';
  }
  return { params, rank };
}

export function webSocketRoutes(endpoints: Record<string, readonly WebSocketEndpoint[]> = WEBSOCKET_ENDPOINTS, dialects: readonly string[] = DIALECTS) {
  const routes: Route[] = [];
  const taken = new Set<string>();
  const add = (path: string, endpoint: WebSocketEndpoint) => {
    const key = path.replace(/\{[^}]*\}/g, '{}');
    if (taken.has(key)) return;
    taken.add(key);
    routes.push(compile(path, endpoint));
  };
  for (const endpoint of endpoints.root ?? []) add(endpoint.path, endpoint);
  for (const dialect of dialects) for (const endpoint of endpoints[dialect] ?? []) add(endpoint.path, endpoint);
  for (const dialect of dialects) for (const endpoint of endpoints[dialect] ?? []) add(`/${dialect}${endpoint.path}`, endpoint);

  return {
    match(pathname: string): WebSocketMatch | undefined {
      const parts = pathname.split('/').slice(1);
      let best: (WebSocketMatch & { rank: string }) | undefined;
      for (const route of routes) {
        const found = matchRoute(route, parts);
        if (found && (!best || found.rank < best.rank)) best = { endpoint: route.endpoint, ...found };
      }
      return best && { endpoint: best.endpoint, params: best.params };
    },
    /** Every path served, for docs and tests. */
    paths(): string[] {
      return routes.map((r) => `/${r.segments.map((s) => ('literal' in s ? s.literal : `{${s.param}}`)).join('/')}`);
    },
  };
}

export type WebSocketRoutes = ReturnType<typeof webSocketRoutes>;
