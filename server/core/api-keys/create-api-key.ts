import { eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { hasScope, isScope, scopesToStatements, type Scope } from '@/server/auth/scopes';
import { recordAudit } from '@/server/core/audit/record-audit';
import { AppError, badRequest, forbidden } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { toApiKeyDto, type CreatedApiKey } from './api-key-dto';
import { keyOwnerOf } from './key-owner';

/** The longest a key may live: long-lived credentials are what leaks. */
export const MAX_KEY_LIFETIME_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What no key gets unless asked for by name: administering the server, or minting more keys. */
const NEVER_BY_DEFAULT: readonly Scope[] = ['admin', 'keys:write'];

/**
 * The keys Switchboard issues. All of them authenticate alike; they differ in how they look
 * (Everruns clients recognise `evr_…`) and in what a key created without a scope list may do.
 */
const KEY_KINDS = {
  // A key for driving sessions, as Aegis hands out by default.
  standard: { prefix: 'sb_', defaultScopes: (): readonly Scope[] => ['sessions:read', 'sessions:write'] },
  // Everruns keys have no scopes of their own: one may do what its owner may, short of administering the server.
  everruns: { prefix: 'evr_', defaultScopes: (principal: Principal): readonly Scope[] => [...principal.scopes].filter((s) => !NEVER_BY_DEFAULT.includes(s)) },
} as const;

export type ApiKeyKind = keyof typeof KEY_KINDS;

export interface CreateApiKeyInput {
  name: string;
  /** Without a list, the kind's default scopes. */
  scopes?: string[];
  /** `standard` (`sb_…`) unless said otherwise. */
  kind?: ApiKeyKind;
  /** An RFC 3339 time (or a Date); without one, the key lives as long as the key creating it (or for ever). */
  expiresAt?: string | Date;
  /** How the caller's wire format spells the expiry field, for the 400 that names it. */
  expiresAtField?: string;
}

function parseExpiry(value: string | Date | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const at = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(at.getTime())) throw badRequest('must be an RFC 3339 date-time', field);
  if (at.getTime() <= Date.now()) throw badRequest('must be in the future', field);
  if (at.getTime() > Date.now() + MAX_KEY_LIFETIME_DAYS * DAY_MS) throw badRequest(`must be at most ${MAX_KEY_LIFETIME_DAYS} days ahead`, field);
  return at;
}

/** When the key making this request expires: a key can never mint one that outlives it. */
async function creatorExpiry(deps: Pick<Services, 'db'>, principal: Principal): Promise<Date | null> {
  if (principal.kind !== 'api_key') return null;
  const [own] = await deps.db.select({ expiresAt: apikey.expiresAt }).from(apikey).where(eq(apikey.id, principal.id)).limit(1);
  return own?.expiresAt ?? null;
}

export async function createApiKey(deps: Pick<Services, 'auth' | 'db'>, principal: Principal, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const owner = keyOwnerOf(principal);
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

  const expiryField = input.expiresAtField ?? 'expiresAt';
  const requestedExpiry = parseExpiry(input.expiresAt, expiryField);
  const ceiling = await creatorExpiry(deps, principal);
  if (ceiling && requestedExpiry && requestedExpiry > ceiling) {
    throw badRequest(`must not be later than the expiry of the key creating it (${ceiling.toISOString()})`, expiryField);
  }
  const expiresAt = requestedExpiry ?? ceiling ?? undefined;
  const expiresIn = expiresAt ? Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000)) : null;

  const created = await deps.auth.api.createApiKey({
    body: {
      name,
      userId: owner,
      prefix: kind.prefix,
      permissions: scopesToStatements(scopes),
      expiresIn,
      rateLimitEnabled: false,
    },
  });
  const rows = await deps.db.select().from(apikey).where(eq(apikey.id, created.id)).limit(1);
  if (!rows[0]) throw new AppError('INTERNAL', 'key was not stored');
  await recordAudit(deps.db, principal, 'key.created', { kind: 'api_key', id: created.id, detail: { name, scopes, owner } });
  return { ...toApiKeyDto(rows[0]), key: created.key };
}
