/** Shapes the dashboard shows, taken from the router's outputs so they cannot drift from the API. */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Outputs = inferRouterOutputs<AppRouter>;

export type Principal = NonNullable<Outputs['auth']['me']>;
export type AuthConfig = Outputs['auth']['config'];
export type ApiKey = Outputs['apiKeys']['list'][number];
export type CreatedApiKey = Outputs['apiKeys']['create'];
export type Device = Outputs['devices']['list'][number];
export type PairingStarted = Outputs['devices']['startPairing'];
export type Health = Outputs['system']['health'];

export type Run = Outputs['runs']['get'];
export type RunStep = Run['steps'][number];
export type SessionSummary = Outputs['sessions']['list']['sessions'][number];
export type SessionDetail = Outputs['sessions']['get'];
export type Message = SessionDetail['messages'][number];
export type MessagePart = Message['parts'][number];
export type Turn = SessionDetail['turns'][number];
export type Approval = Outputs['approvals']['list'][number];
export type InboxApproval = Outputs['approvals']['inbox']['items'][number];
export type SignInSession = Outputs['access']['sessions'][number];
export type AuditEntry = Outputs['audit']['list'][number];
export type ModelInfo = Outputs['models']['list']['models'][number];

type Yielded<T> = T extends AsyncIterable<infer Item> ? Item : never;

/**
 * One event of a run's or a session's canonical stream (the `events.run` / `events.session`
 * subscriptions, each item tracked by its seq): `{ seq, type, data, created_at }`.
 */
export type StreamEvent = Yielded<Outputs['events']['run']>['data'];
