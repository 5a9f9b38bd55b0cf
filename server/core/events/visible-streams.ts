/**
 * Which event streams a principal may read, and what a reader must know about a stream before it
 * follows one. Today a stream is visible to the admin and to whoever created the run or session
 * behind it; this module is the one place that says so, so that real ownership (teams, sharing)
 * replaces this file and nothing else.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { agentSession, run } from '@/db/schema';
import { can, type Principal } from '@/server/auth/principal';

export type StreamKind = 'run' | 'session';

export interface StreamOrigin {
  kind: StreamKind;
  id: string;
  /** The principal id that created the run or session. */
  createdBy: string;
}

function parseStreamId(streamId: string): { kind: StreamKind; id: string } | null {
  const colon = streamId.indexOf(':');
  const kind = streamId.slice(0, colon);
  if (colon < 0 || (kind !== 'run' && kind !== 'session')) return null;
  return { kind, id: streamId.slice(colon + 1) };
}

/** The run or session a stream belongs to; null when there is none (or the id names no such stream). */
export async function findStreamOrigin(deps: { db: Db }, streamId: string): Promise<StreamOrigin | null> {
  const parsed = parseStreamId(streamId);
  if (!parsed) return null;
  const [owner] =
    parsed.kind === 'run'
      ? await deps.db.select({ createdBy: run.createdBy }).from(run).where(eq(run.id, parsed.id))
      : await deps.db.select({ createdBy: agentSession.createdBy }).from(agentSession).where(eq(agentSession.id, parsed.id));
  return owner ? { ...parsed, createdBy: owner.createdBy } : null;
}

/** The visibility rule itself: the admin sees everything, anyone else what it (or its user) created. */
export function maySee(principal: Principal, origin: Pick<StreamOrigin, 'kind' | 'createdBy'>): boolean {
  if (can(principal, 'admin')) return true;
  if (!can(principal, origin.kind === 'run' ? 'runs:read' : 'sessions:read')) return false;
  return origin.createdBy === principal.id || (principal.userId !== undefined && origin.createdBy === principal.userId);
}

/**
 * A filter over origin stream ids (the global stream names the stream each event came from).
 * Who created a run or session never changes, so each origin is looked up once per reader.
 */
export function visibleStreamFilter(deps: { db: Db }, principal: Principal): (streamId: string) => Promise<boolean> {
  if (can(principal, 'admin')) return async () => true;
  const known = new Map<string, Promise<boolean>>();
  return (streamId) => {
    let visible = known.get(streamId);
    if (!visible) {
      // A reader that stays for days sees many streams; forgetting costs only a lookup.
      if (known.size >= 10_000) known.clear();
      visible = findStreamOrigin(deps, streamId).then((origin) => origin !== null && maySee(principal, origin));
      known.set(streamId, visible);
    }
    return visible;
  };
}
