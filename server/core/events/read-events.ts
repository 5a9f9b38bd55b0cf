import { and, asc, eq, gte } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { event } from '@/db/schema';
import type { StoredEvent } from './streams';

/** Events of one stream with seq >= fromSeq, in order. */
export async function readEvents(db: Db, streamId: string, fromSeq = 1, limit = 1000): Promise<StoredEvent[]> {
  const rows = await db
    .select()
    .from(event)
    .where(and(eq(event.streamId, streamId), gte(event.seq, fromSeq)))
    .orderBy(asc(event.seq))
    .limit(limit);
  return rows.map((r) => ({ streamId: r.streamId, seq: r.seq, type: r.type, data: r.data, createdAt: r.createdAt, globalPos: r.globalPos }));
}
