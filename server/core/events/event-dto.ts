/** A stored event as the canonical API gives it: the log's own record, with its seq. */
import { z } from 'zod';
import { isoTime } from '@/server/core/work/dto';
import type { StoredEvent } from './streams';

export const storedEventDtoSchema = z.object({ seq: z.number(), type: z.string(), data: z.record(z.string(), z.unknown()), created_at: isoTime });
export type StoredEventDto = z.infer<typeof storedEventDtoSchema>;

/** An event of the global stream: the event as its own stream holds it, naming that stream and its seq there. */
export const globalEventDtoSchema = storedEventDtoSchema.extend({
  /** The run or session stream the event belongs to (`run:<id>`, `session:<id>`) and its seq there. */
  stream: z.string(),
  stream_seq: z.number(),
});
export type GlobalEventDto = z.infer<typeof globalEventDtoSchema>;

/** An event as the global stream gives it: its global position as the seq, its own stream and seq named beside. */
export function toGlobalEventDto(e: StoredEvent): GlobalEventDto {
  return { seq: e.globalPos, type: e.type, data: e.data, created_at: e.createdAt.toISOString(), stream: e.streamId, stream_seq: e.seq };
}

export function toStoredEventDto(e: StoredEvent): StoredEventDto {
  return { seq: e.seq, type: e.type, data: e.data, created_at: e.createdAt.toISOString() };
}
