/** A stored event as the canonical API gives it: the log's own record, with its seq. */
import { z } from 'zod';
import { isoTime } from '@/server/core/work/dto';
import type { StoredEvent } from './streams';

export const storedEventDtoSchema = z.object({ seq: z.number(), type: z.string(), data: z.record(z.string(), z.unknown()), created_at: isoTime });
export type StoredEventDto = z.infer<typeof storedEventDtoSchema>;

export function toStoredEventDto(e: StoredEvent): StoredEventDto {
  return { seq: e.seq, type: e.type, data: e.data, created_at: e.createdAt.toISOString() };
}
