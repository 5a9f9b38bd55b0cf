/** EchoHelix interactive sessions: create, list, read, close, turns (start or steer), interrupt, and their event socket. */
import { z } from 'zod';
import type { Principal } from '@/server/auth/principal';
import * as sessions from '@/server/core/sessions';
import { AppError } from '@/server/core/shared/errors';
import { policyFromCodex } from '@/server/core/work/codex-policy';
import type { Services } from '@/server/services';
import { resolveCursor } from '@/server/stream/sse';
import { endpoint } from '../endpoint';
import { idParam, pagination, streamQuery } from '../schemas';
import { workload } from './guards';
import { modelRefOf } from './shapes/backends';
import {
  backendOf,
  createSessionInput,
  echohelixSession,
  partsOfTurnInput,
  startTurnResponse,
  textOfTurnInput,
  threadIdOf,
  toEchohelixSession,
  toSessionEventMessage,
  turnInput,
  type TurnInput,
} from './shapes/sessions';

const sessionId = idParam('session_id');

/**
 * Core says "no turn is in progress" as a 409 (agentd's cancel); EchoHelix documents a 400 for an
 * interrupt or steer with nothing to act on.
 */
export async function noActiveTurnIsBadRequest<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NO_ACTIVE_TURN') throw new AppError('BAD_REQUEST', err.message, { code: err.code });
    throw err;
  }
}

/**
 * A turn as `POST …/turns` and `turn/start` take it: a new turn, or with `steer` more input for the
 * active one (same turn id, no new turn; none active → 400; `expected_turn_id` naming another turn
 * → 409, the core's answer to a stale steer).
 */
export async function takeTurn(deps: Services, principal: Principal, id: string, input: TurnInput, fields?: { prompt: string; input: string }): Promise<{ turnId: string }> {
  if (input.steer) {
    return noActiveTurnIsBadRequest(sessions.steerTurn(deps, principal, { sessionId: id, text: textOfTurnInput(input, fields), expectedTurnId: input.expected_turn_id }));
  }
  const model = input.model ? modelRefOf(deps, backendOf(await sessions.getSession(deps, principal, { id })), input.model) : undefined;
  return sessions.startTurn(deps, principal, {
    sessionId: id,
    parts: partsOfTurnInput(input, fields),
    model,
    approvalPolicy: input.approval_policy,
    sandbox: input.sandbox,
  });
}

export const createSession = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/sessions',
  ...workload('runs:submit'),
  status: 201,
  summary: 'Create an interactive session on a backend (codex by default; any backend this server has)',
  input: createSessionInput,
  output: echohelixSession,
  handler: async ({ deps, principal, input }) => {
    const session = await sessions.createSession(deps, principal, {
      workspacePath: input.workspace_path,
      model: modelRefOf(deps, input.backend, input.model),
      policy: policyFromCodex({ approvalPolicy: input.approval_policy, sandbox: input.sandbox }),
      origin: 'echohelix',
      metadata: {
        backend: input.backend,
        ...(input.workspace_id !== undefined ? { workspace_id: input.workspace_id } : {}),
        ...(input.thread_id !== undefined ? { thread_id: input.thread_id } : {}),
        ...(input.approval_policy !== undefined ? { approval_policy: input.approval_policy } : {}),
        ...(input.sandbox !== undefined ? { sandbox: input.sandbox } : {}),
        ...(input.config !== undefined ? { config: input.config } : {}),
      },
    });
    return toEchohelixSession(session);
  },
});

export const listSessions = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/sessions',
  ...workload('runs:read'),
  summary: 'The caller\u2019s sessions, most recent first',
  input: pagination().optional(),
  output: z.object({ items: z.array(echohelixSession) }),
  handler: async ({ deps, principal, input }) => {
    const page = await sessions.listSessions(deps, principal, { limit: input?.limit ?? 100, offset: input?.offset });
    return { items: page.sessions.map(toEchohelixSession) };
  },
});

export const getSession = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/sessions/{session_id}',
  ...workload('runs:read'),
  summary: 'A session (a closed one too, with status `closed`)',
  input: sessionId,
  output: echohelixSession,
  handler: async ({ deps, principal, input }) => toEchohelixSession(await sessions.getSession(deps, principal, { id: input.session_id })),
});

export const closeSession = endpoint({
  dialect: 'echohelix',
  method: 'DELETE',
  path: '/api/v3/sessions/{session_id}',
  ...workload('runs:cancel'),
  summary: 'Close a session: its active turn is interrupted, and it takes no more turns (409)',
  input: sessionId,
  output: z.object({ session_id: z.string(), closed: z.literal(true) }),
  handler: async ({ deps, principal, input }) => {
    await sessions.closeSession(deps, principal, { id: input.session_id, stopTurnAs: 'interrupted' });
    return { session_id: input.session_id, closed: true as const };
  },
});

export const startTurn = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/sessions/{session_id}/turns',
  ...workload('runs:submit'),
  status: 202,
  summary: 'Start a turn, or with `steer: true` add input to the active one (same turn_id; none active → 400; expected_turn_id of another turn → 409)',
  input: sessionId.extend(turnInput.shape),
  output: startTurnResponse,
  handler: async ({ deps, principal, input }) => {
    // Another owner's session is a 404 whatever the body says, like an unknown one.
    await sessions.getSession(deps, principal, { id: input.session_id });
    const { turnId } = await takeTurn(deps, principal, input.session_id, input);
    const session = await sessions.getSession(deps, principal, { id: input.session_id });
    return { session_id: session.id, thread_id: threadIdOf(session), turn_id: turnId, status: 'inProgress' };
  },
});

export const interruptTurn = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/sessions/{session_id}/interrupt',
  ...workload('runs:cancel'),
  summary: 'Interrupt the active turn (or the one named); it ends with status `interrupted`. None active → 400',
  input: sessionId.extend({ turn_id: z.string().min(1).optional() }),
  output: z.object({ session_id: z.string(), interrupted: z.literal(true) }),
  handler: async ({ deps, principal, input }) => {
    await noActiveTurnIsBadRequest(sessions.cancelTurn(deps, principal, { sessionId: input.session_id, turnId: input.turn_id, as: 'interrupted' }));
    return { session_id: input.session_id, interrupted: true as const };
  },
});

export const sessionEvents = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/sessions/{session_id}/events',
  ...workload('runs:read'),
  transport: 'websocket',
  summary:
    'The session\u2019s events over WebSocket, `{session_id, seq, ts, type: notification|request, method, payload}` with Codex app-server method names; ?from_seq= (inclusive) resumes',
  input: sessionId.extend(streamQuery.shape),
  handler: async ({ deps, principal, input, headers }) => {
    const fromSeq = resolveCursor(headers, input.from_seq);
    const session = await sessions.getSession(deps, principal, { id: input.session_id });
    const { streamId } = await sessions.openSessionStream(deps, principal, { id: session.id });
    const ctx = { sessionId: session.id, threadId: threadIdOf(session) };
    return { streamId, fromSeq, message: (e) => toSessionEventMessage(e, ctx) };
  },
});
