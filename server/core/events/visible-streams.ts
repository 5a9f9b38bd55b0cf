/**
 * Which event streams a principal may read: the admin every stream, anyone else the streams of
 * their owner's runs and sessions (server/core/access/owner-scope.ts is the rule). The emergency
 * stop's stream belongs to no owner: whoever may read the emergency state (runs:read) sees it, so
 * every dashboard learns at once that the server stopped. Other ownerless streams are the admin's alone.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { agentSession, run } from '@/db/schema';
import { can, type Principal } from '@/server/auth/principal';
import { owns, seesEveryOwner } from '@/server/core/access/owner-scope';
import { EMERGENCY_STREAM } from './streams';

export type StreamKind = 'run' | 'session';

export interface StreamOrigin {
  kind: StreamKind;
  id: string;
  /** The owner of the run or session. */
  ownerId: string;
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
  const [found] =
    parsed.kind === 'run'
      ? await deps.db.select({ ownerId: run.ownerId }).from(run).where(eq(run.id, parsed.id))
      : await deps.db.select({ ownerId: agentSession.ownerId }).from(agentSession).where(eq(agentSession.id, parsed.id));
  return found ? { ...parsed, ownerId: found.ownerId } : null;
}

/** The visibility rule itself: the admin sees everything, anyone else its owner's runs or sessions (with the read scope). */
export function maySee(principal: Principal, origin: Pick<StreamOrigin, 'kind' | 'ownerId'>): boolean {
  if (seesEveryOwner(principal)) return true;
  if (!can(principal, origin.kind === 'run' ? 'runs:read' : 'sessions:read')) return false;
  return owns(principal, origin.ownerId);
}

/**
 * A filter over origin stream ids (the global stream names the stream each event came from).
 * The owner of a run or session never changes, so each origin is looked up once per reader.
 */
export function visibleStreamFilter(deps: { db: Db }, principal: Principal): (streamId: string) => Promise<boolean> {
  if (seesEveryOwner(principal)) return async () => true;
  const seesEmergency = can(principal, 'runs:read');
  const known = new Map<string, Promise<boolean>>();
  return (streamId) => {
    if (streamId === EMERGENCY_STREAM) return Promise.resolve(seesEmergency);
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
