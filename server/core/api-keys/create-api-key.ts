import { eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { hasScope, isScope, scopesToStatements, type Scope } from '@/server/auth/scopes';
import { AppError, badRequest, forbidden } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { toApiKeyDto, type CreatedApiKey } from './api-key-dto';
import { keyOwnerOf } from './key-owner';

/**
 * The keys Switchboard issues. All of them authenticate alike; they differ in how they look
 * (Everruns clients recognise `evr_…`) and in what a key created without a scope list may do.
 */
const KEY_KINDS = {
  // A key for driving sessions, as Aegis hands out by default.
  standard: { prefix: 'sb_', defaultScopes: (): readonly Scope[] => ['sessions:read', 'sessions:write'] },
  // Everruns keys have no scopes of their own: one may do what its owner may, short of administering the server.
  everruns: { prefix: 'evr_', defaultScopes: (principal: Principal): readonly Scope[] => [...principal.scopes].filter((s) => s !== 'admin') },
} as const;

export type ApiKeyKind = keyof typeof KEY_KINDS;

export interface CreateApiKeyInput {
  name: string;
  /** Without a list, the kind's default scopes. */
  scopes?: string[];
  /** `standard` (`sb_…`) unless said otherwise. */
  kind?: ApiKeyKind;
  expiresAt?: Date;
}

export async function createApiKey(deps: Pick<Services, 'auth' | 'db'>, principal: Principal, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const kind = KEY_KINDS[input.kind ?? 'standard'];
  const name = input.name.trim();
  if (!name) throw badRequest('must not be empty', 'name');
  if (name.length > 200) throw badRequest('must be at most 200 characters', 'name');
  const requested = input.scopes ?? [...kind.defaultScopes(principal)];
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

  const created = await deps.auth.api.createApiKey({
    body: {
      name,
      userId: keyOwnerOf(principal),
      prefix: kind.prefix,
      permissions: scopesToStatements(scopes),
      expiresIn: expiresIn ?? null,
      rateLimitEnabled: false,
    },
  });
  const rows = await deps.db.select().from(apikey).where(eq(apikey.id, created.id)).limit(1);
  if (!rows[0]) throw new AppError('INTERNAL', 'key was not stored');
  return { ...toApiKeyDto(rows[0]), key: created.key };
}
