import { z } from 'zod';
import { createApiKey } from '@/server/core/api-keys/create-api-key';
import { deleteApiKey } from '@/server/core/api-keys/delete-api-key';
import { listApiKeys } from '@/server/core/api-keys/list-api-keys';
import type { ApiKeyDto } from '@/server/core/api-keys/api-key-dto';
import { scopedProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';

const admin = scopedProcedure('admin');

// Aegis reports key times as epoch milliseconds.
const aegisKey = z.object({
  id: z.string(),
  name: z.string(),
  keyId: z.string().describe('The first characters of the key, to tell keys apart'),
  scopes: z.array(z.string()),
  createdAt: z.number().int(),
  expiresAt: z.number().int().nullable(),
  lastUsedAt: z.number().int().nullable(),
});

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

function toAegisKey(dto: ApiKeyDto): z.infer<typeof aegisKey> {
  return {
    id: dto.id,
    name: dto.name,
    keyId: dto.start ?? dto.prefix,
    scopes: dto.scopes,
    createdAt: Date.parse(dto.createdAt),
    expiresAt: ms(dto.expiresAt),
    lastUsedAt: ms(dto.lastUsedAt),
  };
}

export const createKey = admin
  .meta(rest('aegis', 'POST', '/v1/auth/keys', { status: 201, summary: 'Create an API key; the key is shown only in this response' }))
  .input(
    z.object({
      name: z.string().trim().min(1).max(200),
      scopes: z.array(z.string()).optional(),
      expiresAt: z.iso.datetime({ offset: true }).optional(),
    }),
  )
  .output(aegisKey.extend({ key: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const created = await createApiKey(ctx.services, ctx.principal, {
      name: input.name,
      scopes: input.scopes,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : undefined,
    });
    return { ...toAegisKey(created), key: created.key };
  });

export const listKeys = admin
  .meta(rest('aegis', 'GET', '/v1/auth/keys', { summary: 'List API keys (never the secret)' }))
  .input(z.object({}).passthrough().optional())
  .output(z.object({ keys: z.array(aegisKey) }))
  .query(async ({ ctx }) => ({ keys: (await listApiKeys(ctx.services, ctx.principal, { all: true })).map(toAegisKey) }));

export const deleteKey = admin
  .meta(rest('aegis', 'DELETE', '/v1/auth/keys/{id}', { summary: 'Delete an API key; it stops working at once' }))
  .input(z.object({ id: z.string().min(1) }))
  .output(z.object({ ok: z.literal(true), id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await deleteApiKey(ctx.services, ctx.principal, input.id, { any: true });
    return { ok: true as const, id: input.id };
  });
