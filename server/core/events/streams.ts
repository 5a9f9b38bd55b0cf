/** Stream ids: one stream per run, one per session, and the global stream that sees everything. */
export const GLOBAL_STREAM = 'global';
export const runStream = (runId: string) => `run:${runId}`;
export const sessionStream = (sessionId: string) => `session:${sessionId}`;

export interface StoredEvent {
  streamId: string;
  seq: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}
