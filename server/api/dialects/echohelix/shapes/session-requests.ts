/** EchoHelix's session requests and approvals: what a session's backend waits on, and the answers to it. */
import { z } from 'zod';
import type { SessionRequestDto } from '@/server/core/sessions';
import { SESSION_REQUEST_KINDS } from '@/server/core/sessions/session-request-kinds';

const params = z.record(z.string(), z.unknown());
const iso = (d: Date) => d.toISOString();

export const echohelixPendingRequest = z.object({
  request_id: z.string(),
  method: z.string(),
  kind: z.enum(SESSION_REQUEST_KINDS),
  params,
  created_at: z.string(),
  resolved_at: z.string().nullable(),
  resolved: z.boolean(),
});
export const echohelixPendingRequestList = z.object({ items: z.array(echohelixPendingRequest) });

export const echohelixApproval = z.object({
  request_id: z.string(),
  method: z.string(),
  thread_id: z.string().nullable(),
  turn_id: z.string().nullable(),
  item_id: z.string().nullable(),
  reason: z.string().nullable(),
  command: z.string(),
  cwd: z.string(),
  payload: params,
  created_at: z.string(),
  resolved: z.boolean(),
});
export const echohelixApprovalList = z.object({ items: z.array(echohelixApproval) });

/** `{result}` or `{error: {code, message, data?}}`; `{result: {decision: "decline"}}` declines an approval. */
export const echohelixResolveRequestInput = z.object({
  result: params.optional(),
  error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }).optional(),
});

export const echohelixApprovalDecisionInput = z.object({
  decision: z.enum(['accept', 'decline']).default('decline'),
  for_session: z.boolean().optional(),
});

export const echohelixRequestResolved = z.object({ session_id: z.string(), request_id: z.string(), resolved: z.literal(true) });

export function toEchohelixPendingRequest(r: SessionRequestDto): z.infer<typeof echohelixPendingRequest> {
  return { request_id: r.requestId, method: r.method, kind: r.kind, params: r.params, created_at: iso(r.createdAt), resolved_at: r.resolvedAt ? iso(r.resolvedAt) : null, resolved: r.resolved };
}

/** An approval request; `turn_id` is the session's turn (the one EchoHelix's turn endpoints name), `payload` the backend's params. */
export function toEchohelixApproval(r: SessionRequestDto): z.infer<typeof echohelixApproval> {
  const a = r.approval;
  return {
    request_id: r.requestId,
    method: r.method,
    thread_id: a?.threadId ?? null,
    turn_id: r.turnId,
    item_id: a?.itemId ?? null,
    reason: a?.reason ?? null,
    command: a?.command ?? '',
    cwd: a?.cwd ?? '',
    payload: r.params,
    created_at: iso(r.createdAt),
    resolved: r.resolved,
  };
}
