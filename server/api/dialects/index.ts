import type { AnyRouter } from '@trpc/server';
import { aegisRouter } from './aegis/router';
import { agentd } from './agentd/router';
import { autopackRouter } from './autopack/router';
import { echohelixRouter } from './echohelix/router';
import type { WebSocketEndpoint } from './endpoint';
import { everrunsRouter } from './everruns/router';
import { sharedRootRouter } from './shared/router';
import { canonicalStreams } from '../streams';

export const DIALECTS = ['agentd', 'aegis', 'autopack', 'echohelix', 'everruns'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const dialectRouters: Record<Dialect, AnyRouter> = {
  agentd: agentd.router,
  aegis: aegisRouter,
  autopack: autopackRouter,
  echohelix: echohelixRouter,
  everruns: everrunsRouter,
};

/**
 * Who wins a path at the root when several serve it: the shared union procedures first, then agentd
 * (DESIGN.md: where two contracts cannot both hold, the root follows agentd), then the rest.
 */
export const ROOT_PRECEDENCE: ReadonlyArray<readonly [string, AnyRouter]> = [
  ['shared', sharedRootRouter],
  ['agentd', agentd.router],
  ['aegis', aegisRouter],
  ['autopack', autopackRouter],
  ['echohelix', echohelixRouter],
  ['everruns', everrunsRouter],
];

/**
 * Declared WebSocket endpoints, by dialect (served under the root and the dialect's base path) —
 * plus `root`, for canonical streams that belong to no dialect (served at the root only).
 */
export const WEBSOCKET_ENDPOINTS: Record<Dialect | 'root', WebSocketEndpoint[]> = {
  root: canonicalStreams.websockets,
  agentd: agentd.websockets,
  aegis: [],
  autopack: [],
  echohelix: [],
  everruns: [],
};
