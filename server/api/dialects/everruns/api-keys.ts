import { z } from 'zod';
import { createApiKey } from '@/server/core/api-keys/create-api-key';
import { deleteApiKey } from '@/server/core/api-keys/delete-api-key';
import { listApiKeys } from '@/server/core/api-keys/list-api-keys';
import type { ApiKeyDto } from '@/server/core/api-keys/api-key-dto';
import { authedProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';

const everrunsKey = z.object({
  id: z.string(),
  name: z.string(),
  key_prefix: z.string(),
  scopes: z.array(z.string()),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});

function toEverrunsKey(dto: ApiKeyDto): z.infer<typeof everrunsKey> {
  return {
    id: dto.id,
    name: dto.name,
    key_prefix: dto.start ?? dto.prefix,
    scopes: dto.scopes,
    created_at: dto.createdAt,
    expires_at: dto.expiresAt,
    last_used_at: dto.lastUsedAt,
  };
}

export const listOwnKeys = authedProcedure
  .meta(rest('everruns', 'GET', '/api/auth/api-keys', { summary: "List the caller's API keys" }))
  .input(z.object({}).passthrough().optional())
  .output(z.object({ data: z.array(everrunsKey) }))
  .query(async ({ ctx }) => ({ data: (await listApiKeys(ctx.services, ctx.principal)).map(toEverrunsKey) }));

export const createOwnKey = authedProcedure
  .meta(rest('everruns', 'POST', '/api/auth/api-keys', { status: 201, summary: 'Create an API key (`evr_…`); the key is shown only here' }))
  .input(
    z.object({
      name: z.string().trim().min(1).max(200),
      scopes: z.array(z.string()).optional(),
      expires_at: z.iso.datetime({ offset: true }).optional(),
    }),
  )
  .output(everrunsKey.extend({ key: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const created = await createApiKey(ctx.services, ctx.principal, {
      name: input.name,
      // Without a list, the key may do what its owner may do, short of administering the server.
      scopes: input.scopes ?? [...ctx.principal.scopes].filter((s) => s !== 'admin'),
      prefix: 'evr_',
      expiresAt: input.expires_at ? new Date(input.expires_at) : undefined,
    });
    return { ...toEverrunsKey(created), key: created.key };
  });

export const deleteOwnKey = authedProcedure
  .meta(rest('everruns', 'DELETE', '/api/auth/api-keys/{key_id}', { status: 204, summary: 'Delete one of the caller\'s API keys' }))
  .input(z.object({ key_id: z.string().min(1) }))
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    await deleteApiKey(ctx.services, ctx.principal, input.key_id);
  });
