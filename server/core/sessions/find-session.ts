import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { agentSession } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import type { Tx } from '@/server/core/events/append-event';
import { notFound } from '@/server/core/shared/errors';
import type { SessionStatus } from '@/server/core/work/status';

/** The session's id and status, or SESSION_NOT_FOUND (another owner's session too): the cheap check before touching a session. */
export async function requireSession(db: Db | Tx, principal: Principal, id: string): Promise<{ id: string; status: SessionStatus }> {
  const [found] = await db
    .select({ id: agentSession.id, status: agentSession.status })
    .from(agentSession)
    .where(ownedWhere(principal, agentSession.ownerId, eq(agentSession.id, id)))
    .limit(1);
  if (!found) throw notFound('session', 'SESSION_NOT_FOUND');
  return found;
}

/** The session's own row (no messages or turns), or SESSION_NOT_FOUND: for use cases that need its settings. */
export async function findSessionRow(db: Db | Tx, principal: Principal, id: string): Promise<typeof agentSession.$inferSelect> {
  const [found] = await db.select().from(agentSession).where(ownedWhere(principal, agentSession.ownerId, eq(agentSession.id, id))).limit(1);
  if (!found) throw notFound('session', 'SESSION_NOT_FOUND');
  return found;
}
