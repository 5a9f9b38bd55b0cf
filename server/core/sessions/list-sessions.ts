import { and, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { agentSession } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { currentGlobalFence } from '@/server/core/events/read-global';
import { readSnapshot } from '@/server/core/shared/snapshot';
import type { WorkDeps } from '@/server/core/work/deps';
import type { SessionStatus } from '@/server/core/work/status';
import { sessionPageSchema, toSessionDto, type SessionPage } from './session-dto';

export interface ListSessionsInput {
  limit?: number;
  offset?: number;
  /** Only sessions created through this face (a dialect name, `dashboard`). */
  origin?: string;
  /** Only sessions in one of these statuses. */
  status?: SessionStatus[];
  /** Only sessions in this workspace (its path, exactly). */
  workspace?: string;
  /** Only sessions on this model (its reference, exactly). */
  model?: string;
  /**
   * Only this owner's sessions. It narrows the principal's scope, never widens it: the admin sees
   * any owner's, anyone else asking for another owner gets an empty page (not a 403, which would say
   * something about that owner).
   */
  owner?: string;
  /** Text the title contains, case-insensitively. */
  q?: string;
}

export const MOST_RECENT_FIRST = [desc(agentSession.createdAt), desc(agentSession.id)];

/** A LIKE pattern matching text that contains `text` literally (its wildcards escaped). */
const containsPattern = (text: string) => `%${text.trim().replace(/[\\%_]/g, '\\$&')}%`;

/** The principal's sessions, narrowed by the filters given. Scope: own sessions (the admin: every owner's). */
export function sessionListWhere(principal: Principal, input: ListSessionsInput): SQL | undefined {
  const conditions: Array<SQL | undefined> = [
    input.origin ? eq(agentSession.origin, input.origin) : undefined,
    input.status?.length ? inArray(agentSession.status, input.status) : undefined,
    input.workspace ? eq(agentSession.workspacePath, input.workspace) : undefined,
    input.model ? eq(agentSession.modelRef, input.model) : undefined,
    input.owner ? eq(agentSession.ownerId, input.owner) : undefined,
    input.q?.trim() ? or(ilike(agentSession.title, containsPattern(input.q)), eq(agentSession.id, input.q.trim())) : undefined,
  ];
  const present = conditions.filter((c): c is SQL => c !== undefined);
  return ownedWhere(principal, agentSession.ownerId, present.length ? and(...present) : undefined);
}

/** A page of sessions plus the global stream position it reflects: follow `events.global` after `cursor` to hear of changes. */
export const sessionListPageSchema = sessionPageSchema.extend({ cursor: z.string() });
export type SessionListPage = SessionPage & { cursor: string };

/** A page of sessions (without their conversations), most recent first. */
export async function listSessions(deps: WorkDeps, principal: Principal, input: ListSessionsInput = {}): Promise<SessionListPage> {
  const where = sessionListWhere(principal, input);
  // Read before the page: every event below it is already reflected in the page; a later one may not be.
  const cursor = String((await currentGlobalFence(deps.db)) - 1);
  const page = await readSnapshot(deps.db, async (tx) => {
    const rows = await tx
      .select()
      .from(agentSession)
      .where(where)
      .orderBy(...MOST_RECENT_FIRST)
      .limit(input.limit ?? 100)
      .offset(input.offset ?? 0);
    return { sessions: rows.map(toSessionDto), total: await tx.$count(agentSession, where) };
  });
  return { ...page, cursor };
}
