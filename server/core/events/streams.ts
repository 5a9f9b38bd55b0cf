/**
 * Stream ids: one stream per run, one per session, and a few of the system's own. The global stream,
 * which sees everything, is not a stream of its own: it is every event in `globalPos` order.
 */
/** Revoked credentials, so every process closes the streams they opened (server/core/access/revocations.ts). */
export const REVOCATION_STREAM = 'revocations';
export const runStream = (runId: string) => `run:${runId}`;
export const sessionStream = (sessionId: string) => `session:${sessionId}`;
/** Emergency stop and resume: only the admin's global stream shows it (it belongs to no owner). */
export const EMERGENCY_STREAM = 'emergency';

export interface StoredEvent {
  streamId: string;
  seq: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
  /** The event's place in the global stream (server/core/events/global-position.ts). */
  globalPos: number;
}
