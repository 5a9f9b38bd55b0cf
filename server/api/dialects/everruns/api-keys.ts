/** The caller's own API keys (`evr_…`): list, create, delete. */
import { z } from 'zod';
import * as apiKeys from '@/server/core/api-keys';
import { endpoint } from '../endpoint';
import { idParam } from '../schemas';
import { everrunsKey, toEverrunsKey } from './shapes';

export const listApiKeys = endpoint({
  dialect: 'everruns',
  method: 'GET',
  path: '/api/auth/api-keys',
  scope: 'keys:write',
  summary: "List the caller's API keys",
  output: z.object({ data: z.array(everrunsKey) }),
  handler: async ({ deps, principal }) => ({ data: (await apiKeys.listApiKeys(deps, principal)).map(toEverrunsKey) }),
});

export const createApiKey = endpoint({
  dialect: 'everruns',
  method: 'POST',
  path: '/api/auth/api-keys',
  scope: 'keys:write',
  status: 201,
  summary: 'Create an API key (`evr_…`); the key is shown only here',
  input: z.object({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(z.string()).optional(),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  }),
  output: everrunsKey.extend({ key: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const created = await apiKeys.createApiKey(deps, principal, {
      name: input.name,
      scopes: input.scopes,
      kind: 'everruns',
      expiresAt: input.expires_at,
      expiresAtField: 'expires_at',
    });
    return { ...toEverrunsKey(created), key: created.key };
  },
});

export const deleteApiKey = endpoint({
  dialect: 'everruns',
  method: 'DELETE',
  path: '/api/auth/api-keys/{key_id}',
  scope: 'keys:write',
  status: 204,
  summary: "Delete one of the caller's API keys",
  input: idParam('key_id'),
  output: z.void(),
  handler: ({ deps, principal, input }) => apiKeys.deleteApiKey(deps, principal, { id: input.key_id }),
});
