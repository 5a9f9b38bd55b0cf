import { eq } from 'drizzle-orm';
import { session } from '@/db/schema';
import { tokenSessionPurpose } from '@/server/auth/keys';
import type { Principal } from '@/server/auth/principal';
import { announceRevocation } from '@/server/core/access/revocations';
import { recordAudit } from '@/server/core/audit/record-audit';
import type { Services } from '@/server/services';
import { closeTokenSession } from './token-sessions';

/**
 * Ends the session behind the request's credential, if it is a session (tokens and keys stay
 * valid): the row goes, so the saved cookie or token opens nothing any more, and the streams the
 * session opened close.
 */
export async function logOut(deps: Pick<Services, 'db' | 'bus' | 'secrets'>, principal: Principal | null): Promise<{ ok: true }> {
  const token = principal?.sessionToken;
  if (!principal || !token) return { ok: true };
  let closedId: string | undefined;
  if (tokenSessionPurpose(token) === 'dashboard') {
    closedId = await closeTokenSession(deps, token, 'dashboard');
  } else {
    const [closed] = await deps.db.delete(session).where(eq(session.token, deps.secrets.hashToken(token))).returning({ id: session.id });
    closedId = closed?.id;
  }
  if (!closedId) return { ok: true };
  // The session's own credential is the outermost one the principal stands on.
  const own = principal.credentials.at(-1);
  if (own) await announceRevocation(deps, own);
  await recordAudit(deps.db, principal, 'auth.signed_out', { kind: 'session', id: closedId });
  return { ok: true };
}
