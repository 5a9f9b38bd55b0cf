/**
 * EchoHelix's backend passthrough: `GET …/backend/status` and `POST …/backend/call`. The Codex
 * app-server methods a client drives a thread with (`status`, `thread/read`, `turn/start`,
 * `turn/interrupt`, `turn/steer`) are answered by the core for every backend, so the same calls
 * work on a scripted or API session as on a Codex one.
 */
import { z } from 'zod';
import type { Principal } from '@/server/auth/principal';
import { requireScope } from '@/server/auth/require-scope';
import type { Scope } from '@/server/auth/scopes';
import * as sessions from '@/server/core/sessions';
import { badRequest } from '@/server/core/shared/errors';
import { isActiveTurn } from '@/server/core/work/status';
import type { Services } from '@/server/services';
import { endpoint } from '../endpoint';
import { idParam } from '../schemas';
import { workload } from './guards';
import { noActiveTurnIsBadRequest, takeTurn } from './sessions';
import { backendOf, CODEX_TURN_STATUS, threadIdOf, toCodexThread, toEchohelixSession, turnInput, type TurnInput } from './shapes/sessions';

const sessionId = idParam('session_id');

/** A backend's answer: any JSON value (the document allows objects, arrays and scalars). */
const result = z.unknown();

/** What a backend says of a session: the thread, whether a turn is in progress, what it runs on. */
async function backendStatus(deps: Services, principal: Principal, id: string) {
  const session = await sessions.getSession(deps, principal, { id });
  const active = session.turns.findLast((t) => isActiveTurn(t.status));
  return {
    session,
    result: {
      status: toEchohelixSession(session).status,
      thread: { id: threadIdOf(session), status: active ? 'active' : 'idle' },
      active_turn: active ? { id: active.id, status: CODEX_TURN_STATUS[active.status] } : null,
      model: session.model,
      cwd: session.workspace_path,
      turns: session.turns.length,
    },
  };
}

type Params = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Codex's sandbox policy object (`{type: "workspaceWrite"}`) as the sandbox mode it names. */
const SANDBOX_OF_POLICY_TYPE: Record<string, string> = { readOnly: 'read-only', workspaceWrite: 'workspace-write', dangerFullAccess: 'danger-full-access' };

/** `turn/start` and `turn/steer` params in Codex's camelCase, or in the turns endpoint's own fields. */
function turnParams(p: Params, steer: boolean): TurnInput {
  const sandboxPolicy = p.sandboxPolicy as { type?: unknown } | undefined;
  const parsed = turnInput.safeParse({
    prompt: p.prompt,
    input: p.input,
    model: p.model,
    approval_policy: p.approval_policy ?? p.approvalPolicy,
    sandbox: p.sandbox ?? (typeof sandboxPolicy?.type === 'string' ? (SANDBOX_OF_POLICY_TYPE[sandboxPolicy.type] ?? sandboxPolicy.type) : undefined),
    output_schema: p.output_schema ?? p.outputSchema,
    expected_turn_id: p.expected_turn_id ?? p.expectedTurnId,
  });
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'invalid', `params.${parsed.error.issues[0]?.path.join('.') ?? ''}`);
  return { ...parsed.data, steer };
}

interface BackendMethod {
  scope: Scope;
  call(deps: Services, principal: Principal, sessionId: string, params: Params): Promise<unknown>;
}

const PARAM_FIELDS = { prompt: 'params.prompt', input: 'params.input' };

/** The methods answered here, with the scope each needs (EchoHelix: `status` reads, `turn/interrupt` cancels, the rest submit). */
const METHODS: Record<string, BackendMethod> = {
  status: { scope: 'runs:read', call: async (deps, principal, id) => (await backendStatus(deps, principal, id)).result },
  'thread/read': { scope: 'runs:submit', call: async (deps, principal, id) => ({ thread: toCodexThread(await sessions.getSession(deps, principal, { id })) }) },
  'turn/start': {
    scope: 'runs:submit',
    call: async (deps, principal, id, p) => {
      const { turnId } = await takeTurn(deps, principal, id, turnParams(p, false), PARAM_FIELDS);
      return { turn: { id: turnId, status: 'inProgress', items: [], error: null } };
    },
  },
  'turn/steer': {
    scope: 'runs:submit',
    call: async (deps, principal, id, p) => ({ turnId: (await takeTurn(deps, principal, id, turnParams(p, true), PARAM_FIELDS)).turnId }),
  },
  'turn/interrupt': {
    scope: 'runs:cancel',
    call: async (deps, principal, id, p) => {
      await noActiveTurnIsBadRequest(sessions.cancelTurn(deps, principal, { sessionId: id, turnId: str(p.turnId) ?? str(p.turn_id), as: 'interrupted' }));
      return {};
    },
  },
};

/** `initialize` belongs to whoever runs the backend process: the server did it when the session started. */
const SERVER_OWNED_METHODS = new Set(['initialize', 'initialized']);

function methodOf(name: string): BackendMethod {
  if (SERVER_OWNED_METHODS.has(name)) throw badRequest(`${name} is sent by the server, not by clients`, 'method');
  // hasOwn: a method named `toString` must not find Object.prototype's member.
  if (!Object.hasOwn(METHODS, name)) throw badRequest(`unsupported method ${name}; supported: ${Object.keys(METHODS).join(', ')}`, 'method');
  return METHODS[name]!;
}

export const backendStatusOfSession = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/sessions/{session_id}/backend/status',
  ...workload('runs:read'),
  summary: 'What the session\u2019s backend reports: its thread, the active turn, the model',
  input: sessionId,
  output: z.object({ session_id: z.string(), backend: z.string(), thread_id: z.string(), result, fetched_at: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const { session, result: status } = await backendStatus(deps, principal, input.session_id);
    return { session_id: session.id, backend: backendOf(session), thread_id: threadIdOf(session), result: status, fetched_at: new Date().toISOString() };
  },
});

export const callSessionBackend = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/sessions/{session_id}/backend/call',
  // The least any method needs; the method's own scope is checked below.
  ...workload('runs:read'),
  summary:
    'Call a Codex app-server method on the session (status, thread/read, turn/start, turn/steer, turn/interrupt). Scope by method: status runs:read, turn/interrupt runs:cancel, others runs:submit',
  input: sessionId.extend({
    method: z.string().min(1),
    params: z.unknown().optional(),
    timeout_ms: z.number().int().min(1).max(600_000).optional(),
  }),
  output: z.object({ session_id: z.string(), backend: z.string(), thread_id: z.string(), method: z.string(), result, called_at: z.string() }),
  handler: async ({ deps, principal, input }) => {
    // Another owner's session is a 404 whatever the method says, like an unknown one.
    await sessions.getSession(deps, principal, { id: input.session_id });
    const method = methodOf(input.method);
    requireScope(principal, method.scope);
    const params = input.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw badRequest('must be an object for this method', 'params');
    const called = await method.call(deps, principal, input.session_id, params as Params);
    const session = await sessions.getSession(deps, principal, { id: input.session_id });
    return { session_id: session.id, backend: backendOf(session), thread_id: threadIdOf(session), method: input.method, result: called, called_at: new Date().toISOString() };
  },
});
