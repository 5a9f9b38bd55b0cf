/** Shapes the dashboard shows, taken from the router's outputs so they cannot drift from the API. */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Outputs = inferRouterOutputs<AppRouter>;

export type Principal = NonNullable<Outputs['auth']['me']>;
export type AuthConfig = Outputs['auth']['config'];
export type ApiKey = Outputs['apiKeys']['list'][number];
export type CreatedApiKey = Outputs['apiKeys']['create'];
export type Health = Outputs['system']['health'];

export type Run = Outputs['runs']['get'];
export type RunStep = Run['steps'][number];
export type SessionSummary = Outputs['sessions']['list']['sessions'][number];
export type SessionDetail = Outputs['sessions']['get'];
export type Message = SessionDetail['messages'][number];
export type MessagePart = Message['parts'][number];
export type Turn = SessionDetail['turns'][number];
export type Approval = Outputs['approvals']['list'][number];
export type ModelInfo = Outputs['models']['list']['models'][number];

/**
 * One frame of a run's or a session's Server-Sent Events stream (`/v1/runs/{id}/events`,
 * `/v1/sessions/{id}/events`): the event's own `message` is lifted out of `data`.
 */
export interface StreamEvent {
  seq: number;
  ts: string;
  type: string;
  run_id?: string;
  session_id?: string;
  turn_id?: string;
  message?: string;
  data?: Record<string, unknown>;
}
