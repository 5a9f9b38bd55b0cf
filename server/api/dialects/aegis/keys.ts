/** API keys: the admin manages the server's (and sees every key); a user or a `keys:write` key its owner's. */
import { z } from 'zod';
import * as apiKeys from '@/server/core/api-keys';
import { endpoint } from '../endpoint';
import { idParam, OK, ok } from '../schemas';
import { aegisKey, toAegisKey } from './shapes';

export const createKey = endpoint({
  dialect: 'aegis',
  method: 'POST',
  path: '/v1/auth/keys',
  scope: 'keys:write',
  status: 201,
  summary: 'Create an API key; the key is shown only in this response',
  input: z.object({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(z.string()).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
  output: aegisKey.extend({ key: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const created = await apiKeys.createApiKey(deps, principal, {
      name: input.name,
      scopes: input.scopes,
      expiresAt: input.expiresAt,
    });
    return { ...toAegisKey(created), key: created.key };
  },
});

export const listKeys = endpoint({
  dialect: 'aegis',
  method: 'GET',
  path: '/v1/auth/keys',
  scope: 'keys:write',
  summary: 'List API keys (never the secret)',
  output: z.object({ keys: z.array(aegisKey) }),
  handler: async ({ deps, principal }) => ({ keys: (await apiKeys.listApiKeys(deps, principal, { all: true })).map(toAegisKey) }),
});

export const deleteKey = endpoint({
  dialect: 'aegis',
  method: 'DELETE',
  path: '/v1/auth/keys/{id}',
  scope: 'keys:write',
  summary: 'Delete an API key; it stops working at once',
  input: idParam('id'),
  output: ok.extend({ id: z.string() }),
  handler: async ({ deps, principal, input }) => {
    await apiKeys.deleteApiKey(deps, principal, { id: input.id, any: true });
    return { ...OK, id: input.id };
  },
});
