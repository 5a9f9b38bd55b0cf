/**
 * Cross-process fan-out on Postgres: every process announces the events it committed with NOTIFY
 * (stream and seq only; payloads stay small). Every other process wakes its global stream's tail,
 * which reads the log itself, and re-reads the announced events of the streams it has readers for.
 * Readers fill any gap from the log, so a lost notification delays an event but never loses it.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { event } from '@/db/schema';
import type { EventBus } from './bus';
import { openPgChannel } from './pg-channel';

const CHANNEL = 'switchboard_events';
const MAX_PAYLOAD = 7000;

/** The events one process committed: [stream, seq] pairs. */
type Announcement = Array<[string, number]>;

export async function attachPostgresFanout(bus: EventBus, databaseUrl: string, db: Db): Promise<() => Promise<void>> {
  const channel = await openPgChannel<Announcement>(databaseUrl, CHANNEL, bus.processId, (announced) => {
    bus.committedElsewhere();
    const followed = announced.filter(([stream]) => bus.hasSubscribers(stream));
    if (followed.length) void deliverFromLog(bus, db, followed).catch(() => {});
  });

  bus.onPublish = (events) => {
    let batch: Announcement = [];
    const flush = () => {
      if (!batch.length) return;
      void channel.send(batch).catch(() => {});
      batch = [];
    };
    for (const e of events) {
      batch.push([e.streamId, e.seq]);
      if (JSON.stringify(batch).length > MAX_PAYLOAD) flush();
    }
    flush();
  };

  return async () => {
    bus.onPublish = undefined;
    await channel.close();
  };
}

async function deliverFromLog(bus: EventBus, db: Db, refs: Array<[string, number]>): Promise<void> {
  const byStream = new Map<string, number[]>();
  for (const [stream, seq] of refs) byStream.set(stream, [...(byStream.get(stream) ?? []), seq]);
  for (const [stream, seqs] of byStream) {
    const rows = await db.select().from(event).where(and(eq(event.streamId, stream), inArray(event.seq, seqs)));
    rows.sort((a, b) => a.seq - b.seq);
    for (const r of rows) bus.deliver({ streamId: r.streamId, seq: r.seq, type: r.type, data: r.data, createdAt: r.createdAt, globalPos: r.globalPos });
  }
}
