import { endpoint } from '../endpoint';
import { OK, ok } from '../schemas';

/** Liveness only: it answers while the process runs, whatever the database says. */
export const healthz = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/healthz',
  scope: 'public',
  summary: 'Liveness',
  output: ok,
  handler: () => OK,
});
