import { eq } from 'drizzle-orm';
import { session } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import type { Services } from '@/server/services';

/** Ends the session behind the request's credential, if it is a session (tokens and keys stay valid). */
export async function logOut(deps: Pick<Services, 'db'>, principal: Principal | null): Promise<{ ok: true }> {
  if (principal?.sessionToken) {
    await deps.db.delete(session).where(eq(session.token, principal.sessionToken));
  }
  return { ok: true };
}
