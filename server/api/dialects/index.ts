import type { AnyRouter } from '@trpc/server';
import { aegis } from './aegis/router';
import { agentd } from './agentd/router';
import { autopack } from './autopack/router';
import { echohelix } from './echohelix/router';
import type { DialectApi, WebSocketEndpoint } from './endpoint';
import { everruns } from './everruns/router';
import { shared } from './shared/router';
import { canonicalStreams } from '../streams';

export const DIALECTS = ['agentd', 'aegis', 'autopack', 'echohelix', 'everruns'] as const;
export type Dialect = (typeof DIALECTS)[number];

const DIALECT_APIS: Record<Dialect, DialectApi> = { agentd, aegis, autopack, echohelix, everruns };

const byDialect = <T>(pick: (api: DialectApi) => T) => Object.fromEntries(DIALECTS.map((d) => [d, pick(DIALECT_APIS[d])])) as Record<Dialect, T>;

export const dialectRouters: Record<Dialect, AnyRouter> = byDialect((api) => api.router);

/**
 * Who wins a path at the root when several serve it: the shared union endpoints first, then agentd
 * (DESIGN.md: where two contracts cannot both hold, the root follows agentd), then the rest.
 */
export const ROOT_PRECEDENCE: ReadonlyArray<readonly [string, AnyRouter]> = [
  [shared.name, shared.router],
  ...DIALECTS.map((d) => [d, DIALECT_APIS[d].router] as const),
];

/**
 * Declared WebSocket endpoints, by dialect (served under the root and the dialect's base path) —
 * plus `root`, for canonical streams that belong to no dialect (served at the root only).
 */
export const WEBSOCKET_ENDPOINTS: Record<Dialect | 'root', WebSocketEndpoint[]> = { root: canonicalStreams.websockets, ...byDialect((api) => api.websockets) };
