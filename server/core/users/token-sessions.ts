import { randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { tokenSession } from '@/db/schema';
import { TOKEN_PREFIXES, type TokenPurpose } from '@/server/auth/keys';
import type { Principal } from '@/server/auth/principal';
import { recordAudit } from '@/server/core/audit/record-audit';
import { unauthorized } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import type { Services } from '@/server/services';
import { principalFromToken } from '@/server/auth/resolve';
import { describePrincipal, type PrincipalDto } from './describe-principal';

type Deps = Pick<Services, 'db' | 'secrets'>;

/** How long a dashboard signed in with a token stays signed in, and how long a stream ticket lasts. */
export const DASHBOARD_SESSION_SECONDS = 60 * 60 * 12;
export const STREAM_TICKET_SECONDS = 60;

export interface OpenedTokenSession {
  id: string;
  /** Shown to the client once; the database keeps its hash. */
  token: string;
  expiresAt: Date;
}

/**
 * Opens a session of ours on top of the principal's credentials: it is valid while they are, and
 * only its hash is stored.
 */
export async function openTokenSession(deps: Deps, principal: Principal, purpose: TokenPurpose, seconds: number): Promise<OpenedTokenSession> {
  const id = newId(purpose === 'stream' ? 'tkt' : 'dsess');
  const token = `${TOKEN_PREFIXES[purpose]}${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + seconds * 1000);
  // Expired rows are swept as new ones arrive, so the table stays the size of what is live.
  await deps.db.delete(tokenSession).where(lt(tokenSession.expiresAt, new Date()));
  await deps.db.insert(tokenSession).values({
    id,
    tokenHash: deps.secrets.hashToken(token),
    purpose,
    credentials: JSON.stringify(principal.credentials),
    ownerId: principal.ownerId ?? null,
    expiresAt,
  });
  return { id, token, expiresAt };
}

/** Ends one of our sessions by its token; returns its id, or undefined when there was none. */
export async function closeTokenSession(deps: Deps, token: string, purpose: TokenPurpose): Promise<string | undefined> {
  const [closed] = await deps.db
    .delete(tokenSession)
    .where(and(eq(tokenSession.tokenHash, deps.secrets.hashToken(token)), eq(tokenSession.purpose, purpose)))
    .returning({ id: tokenSession.id });
  return closed?.id;
}

export const streamTicketSchema = z.object({ ticket: z.string(), expires_at: z.string() });
export type StreamTicket = z.infer<typeof streamTicketSchema>;

/**
 * A short-lived ticket for `?access_token=` on stream routes, so a browser's EventSource or
 * WebSocket URL never carries a long-lived credential. It acts as the principal that asked for it
 * and dies with that principal's credentials.
 */
export async function issueStreamTicket(deps: Deps, principal: Principal): Promise<StreamTicket> {
  const opened = await openTokenSession(deps, principal, 'stream', STREAM_TICKET_SECONDS);
  return { ticket: opened.token, expires_at: opened.expiresAt.toISOString() };
}

export interface TokenSignIn {
  principal: PrincipalDto;
  /** For the cookie: the dashboard session's token, never the pasted credential. */
  sessionToken: string;
  expiresInSeconds: number;
}

/**
 * The dashboard's token sign-in: checks a pasted admin token or API key and opens a revocable
 * server-side session for it. The credential itself is not kept anywhere.
 */
export async function signInWithToken(deps: Pick<Services, 'adminToken' | 'auth' | 'db' | 'env' | 'secrets'>, input: { token: string }): Promise<TokenSignIn> {
  const principal = await principalFromToken(deps, input.token);
  if (!principal) throw unauthorized('that token is not valid');
  const opened = await openTokenSession(deps, principal, 'dashboard', DASHBOARD_SESSION_SECONDS);
  await recordAudit(deps.db, principal, 'auth.signed_in', { kind: 'session', id: opened.id, detail: { method: 'token' } });
  return { principal: await describePrincipal(deps, principal), sessionToken: opened.token, expiresInSeconds: DASHBOARD_SESSION_SECONDS };
}
