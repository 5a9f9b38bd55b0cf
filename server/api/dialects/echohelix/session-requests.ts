/** Requests a session's backend waits on (Codex app-server's approvals, questions, tool calls) and their answers. */
import { z } from 'zod';
import * as sessions from '@/server/core/sessions';
import { endpoint } from '../endpoint';
import { idParam } from '../schemas';
import { workload } from './guards';
import {
  echohelixApprovalDecisionInput,
  echohelixApprovalList,
  echohelixPendingRequestList,
  echohelixRequestResolved,
  echohelixResolveRequestInput,
  toEchohelixApproval,
  toEchohelixPendingRequest,
} from './shapes/session-requests';

const sessionId = idParam('session_id');
const requestRef = sessionId.extend({ request_id: z.string().min(1) });
const resolved = (r: sessions.ResolveSessionRequestResult) => ({ session_id: r.sessionId, request_id: r.requestId, resolved: r.resolved });

export const listRequests = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/sessions/{session_id}/requests',
  ...workload('runs:read'),
  summary: 'Pending requests of the session’s backend (approvals, questions, tool calls)',
  input: sessionId,
  output: echohelixPendingRequestList,
  handler: async ({ deps, principal, input }) => ({
    items: (await sessions.listSessionRequests(deps, principal, { sessionId: input.session_id, pendingOnly: true })).map(toEchohelixPendingRequest),
  }),
});

export const resolveRequest = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/sessions/{session_id}/requests/{request_id}',
  ...workload('runs:cancel'),
  summary: 'Answer a pending request with a JSON-RPC result or error; {result: {decision: "decline"}} declines an approval',
  input: requestRef.extend(echohelixResolveRequestInput.shape),
  output: echohelixRequestResolved,
  handler: async ({ deps, principal, input }) =>
    resolved(await sessions.resolveSessionRequest(deps, principal, { sessionId: input.session_id, requestId: input.request_id, result: input.result, error: input.error })),
});

export const listApprovals = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/sessions/{session_id}/approvals',
  ...workload('runs:read'),
  summary: 'Pending approvals of the session (commands and file changes)',
  input: sessionId,
  output: echohelixApprovalList,
  handler: async ({ deps, principal, input }) => ({
    items: (await sessions.listSessionRequests(deps, principal, { sessionId: input.session_id, pendingOnly: true, approvalsOnly: true })).map(toEchohelixApproval),
  }),
});

export const resolveApproval = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/sessions/{session_id}/approvals/{request_id}',
  ...workload('runs:cancel'),
  summary: 'Accept or decline (the default) an approval; for_session accepts its kind for the rest of the session',
  input: requestRef.extend(echohelixApprovalDecisionInput.shape),
  output: echohelixRequestResolved,
  handler: async ({ deps, principal, input }) =>
    resolved(await sessions.resolveSessionRequest(deps, principal, { sessionId: input.session_id, requestId: input.request_id, decision: input.decision, forSession: input.for_session })),
});
