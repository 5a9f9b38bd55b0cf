import { aegisRouter } from './aegis/router';
import { agentdRouter } from './agentd/router';
import { autopackRouter } from './autopack/router';
import { echohelixRouter } from './echohelix/router';
import { everrunsRouter } from './everruns/router';
import { sharedRootRouter } from './shared/router';

export const DIALECTS = ['agentd', 'aegis', 'autopack', 'echohelix', 'everruns'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const dialectRouters = {
  agentd: agentdRouter,
  aegis: aegisRouter,
  autopack: autopackRouter,
  echohelix: echohelixRouter,
  everruns: everrunsRouter,
} as const;

/**
 * Who wins a path at the root when several serve it: the shared union procedures first, then agentd
 * (DESIGN.md: where two contracts cannot both hold, the root follows agentd), then the rest.
 */
export const ROOT_PRECEDENCE = [
  ['shared', sharedRootRouter],
  ['agentd', agentdRouter],
  ['aegis', aegisRouter],
  ['autopack', autopackRouter],
  ['echohelix', echohelixRouter],
  ['everruns', everrunsRouter],
] as const;
