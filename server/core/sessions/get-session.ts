import type { Db } from '@/db/client';
import { agentSession } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { notFound } from '@/server/core/shared/errors';
import { byIdWhere, findOwnedById } from '@/server/core/shared/owned-by-id';
import { readSnapshot } from '@/server/core/shared/snapshot';
import type { WorkDeps } from '@/server/core/work/deps';
import { MOST_RECENT_FIRST, sessionListWhere, type ListSessionsInput } from './list-sessions';
import { toSessionDetailDto, type SessionDetailDto, type SessionDetailPage } from './session-dto';

/** Messages in conversation order, turns in the order they were taken. */
const WITH_CONVERSATION = {
  messages: { orderBy: (m, { asc }) => [asc(m.sequence)] },
  turns: { orderBy: (t, { asc }) => [asc(t.index)] },
} satisfies NonNullable<Parameters<Db['query']['agentSession']['findMany']>[0]>['with'];

/** A session by id with its conversation; `owned` also requires the `owner` parameter to match. */
const sessionWithConversation = (db: Db, owned: boolean) =>
  db.query.agentSession
    .findFirst({
      where: byIdWhere(agentSession.id, agentSession.ownerId, owned),
      with: WITH_CONVERSATION,
    })
    .prepare(owned ? 'get_owned_session' : 'get_session');

/**
 * A session with its messages and turns. One prepared statement (the children aggregated into it),
 * so the parts cannot disagree: never a session "running" whose turn already waits for approval.
 */
export async function getSession(deps: WorkDeps, principal: Principal, input: { id: string }): Promise<SessionDetailDto> {
  const found = await findOwnedById(deps.db, principal, 'getSession', sessionWithConversation, input.id);
  if (!found) throw notFound('session', 'SESSION_NOT_FOUND');
  return toSessionDetailDto(found, found.messages, found.turns);
}

/**
 * A page of sessions with their messages and turns, most recent first: one statement for the page
 * (children aggregated per session) and one for the total, in one snapshot, whatever the page size.
 */
export function listSessionDetails(deps: WorkDeps, principal: Principal, input: ListSessionsInput = {}): Promise<SessionDetailPage> {
  const where = sessionListWhere(principal, input);
  return readSnapshot(deps.db, async (tx) => {
    const rows = await tx.query.agentSession.findMany({
      where,
      with: WITH_CONVERSATION,
      orderBy: MOST_RECENT_FIRST,
      limit: input.limit ?? 100,
      offset: input.offset ?? 0,
    });
    return { sessions: rows.map((s) => toSessionDetailDto(s, s.messages, s.turns)), total: await tx.$count(agentSession, where) };
  });
}
