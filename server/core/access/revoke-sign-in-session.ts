import { and, eq } from 'drizzle-orm';
import { session, tokenSession } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { recordAudit } from '@/server/core/audit/record-audit';
import { notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { ownedWhere } from './owner-scope';
import { announceRevocation } from './revocations';
import { credentialOfSession, type SignInSessionKind } from './sign-in-sessions';

export interface RevokeSignInSessionInput {
  kind: SignInSessionKind;
  id: string;
}

/**
 * Signs a session out from elsewhere: its row goes, so its cookie or token opens nothing any more,
 * and the revocation is announced so every process closes the streams it opened. Another owner's
 * session (unless the admin asks) answers 404, as if it did not exist.
 */
export async function revokeSignInSession(deps: Pick<Services, 'db' | 'bus'>, principal: Principal, input: RevokeSignInSessionInput): Promise<{ id: string }> {
  const deleted =
    input.kind === 'user'
      ? await deps.db.delete(session).where(ownedWhere(principal, session.userId, eq(session.id, input.id))).returning({ id: session.id, owner: session.userId })
      : await deps.db
          .delete(tokenSession)
          .where(ownedWhere(principal, tokenSession.ownerId, and(eq(tokenSession.id, input.id), eq(tokenSession.purpose, 'dashboard'))))
          .returning({ id: tokenSession.id, owner: tokenSession.ownerId });
  const row = deleted[0];
  if (!row) throw notFound('session', 'SIGN_IN_SESSION_NOT_FOUND');
  await announceRevocation(deps, credentialOfSession(input.kind, row.id));
  await recordAudit(deps.db, principal, 'session.revoked', { kind: input.kind === 'user' ? 'session' : 'token_session', id: row.id, detail: { owner: row.owner } });
  return { id: row.id };
}
