import { asc, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { agentSession, message, turn } from '@/db/schema';
import { notFound } from '@/server/core/shared/errors';
import { readSnapshot } from '@/server/core/shared/snapshot';
import { toMessageDto, toSessionDto, toTurnDto, type SessionDetailDto, type SessionDto } from './session-dto';

export async function findSessionRow(db: Db, id: string) {
  const [s] = await db.select().from(agentSession).where(eq(agentSession.id, id)).limit(1);
  if (!s) throw notFound('session', 'SESSION_NOT_FOUND');
  return s;
}

export function getSession(db: Db, id: string): Promise<SessionDetailDto> {
  return readSnapshot(db, async (tx) => {
    const s = await findSessionRow(tx, id);
    const messages = await tx.select().from(message).where(eq(message.sessionId, id)).orderBy(asc(message.sequence));
    const turns = await tx.select().from(turn).where(eq(turn.sessionId, id)).orderBy(asc(turn.index));
    return { ...toSessionDto(s), messages: messages.map(toMessageDto), turns: turns.map(toTurnDto) };
  });
}

/** Most recent first. */
export async function listSessions(db: Db, opts: { limit?: number; offset?: number; where?: SQL } = {}): Promise<{ sessions: SessionDto[]; total: number }> {
  const rows = await db
    .select()
    .from(agentSession)
    .where(opts.where)
    .orderBy(desc(agentSession.createdAt), desc(agentSession.id))
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0);
  const total = (await db.$count(agentSession, opts.where)) as number;
  return { sessions: rows.map(toSessionDto), total };
}
