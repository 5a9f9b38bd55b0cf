/** Backend health and capabilities. */
import { z } from 'zod';
import * as models from '@/server/core/models';
import { endpoint } from '../endpoint';
import { echohelixBackend, toEchohelixBackend } from './shapes/backends-usage';

export const listBackends = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/backends',
  scope: 'backends:read',
  summary: 'Every backend this server runs, with its health and capabilities',
  output: z.object({ backends: z.array(echohelixBackend) }),
  handler: async ({ deps, principal }) => ({ backends: (await models.listBackends(deps, principal, {})).map(toEchohelixBackend) }),
});
