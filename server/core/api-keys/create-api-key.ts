import { eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { DEFAULT_KEY_SCOPES, hasScope, isScope, scopesToStatements, type Scope } from '@/server/auth/scopes';
import { AppError, badRequest, forbidden } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { toApiKeyDto, type ApiKeyDto } from './api-key-dto';
import { keyOwnerOf } from './key-owner';

export interface CreateApiKeyInput {
  name: string;
  scopes?: string[];
  /** `sb_` by default; the Everruns face issues `evr_` keys as its clients expect. */
  prefix?: 'sb_' | 'evr_';
  expiresAt?: Date;
}

export interface CreatedApiKey extends ApiKeyDto {
  /** The secret, returned this once and never again. */
  key: string;
}

export async function createApiKey(services: Services, principal: Principal, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (!name) throw badRequest('must not be empty', 'name');
  if (name.length > 200) throw badRequest('must be at most 200 characters', 'name');
  const requested = input.scopes ?? [...DEFAULT_KEY_SCOPES];
  const unknown = requested.filter((s) => !isScope(s));
  if (unknown.length) throw badRequest(`unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}`, 'scopes');
  const scopes = [...new Set(requested as Scope[])];
  // Nobody hands out more than they hold.
  const beyond = scopes.filter((s) => !hasScope(principal.scopes, s));
  if (beyond.length) throw forbidden(`cannot grant scopes you do not hold: ${beyond.join(', ')}`);
  let expiresIn: number | undefined;
  if (input.expiresAt) {
    expiresIn = Math.floor((input.expiresAt.getTime() - Date.now()) / 1000);
    if (!(expiresIn > 0)) throw badRequest('must be in the future', 'expiresAt');
  }

  const created = await services.auth.api.createApiKey({
    body: {
      name,
      userId: keyOwnerOf(principal),
      prefix: input.prefix ?? 'sb_',
      permissions: scopesToStatements(scopes),
      expiresIn: expiresIn ?? null,
      rateLimitEnabled: false,
    },
  });
  const rows = await services.db.select().from(apikey).where(eq(apikey.id, created.id)).limit(1);
  if (!rows[0]) throw new AppError('INTERNAL', 'key was not stored');
  return { ...toApiKeyDto(rows[0]), key: created.key };
}
