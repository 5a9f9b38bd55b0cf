/**
 * Core answers its own errors: every use case that takes an id says which thing is missing, and
 * input decisions (profiles, uploads) are refused in core, so every face of the API refuses alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '@/server/api/root';
import { adminPrincipal } from '@/server/auth/principal';
import * as approvals from '@/server/core/approvals';
import * as runs from '@/server/core/runs';
import { AppError } from '@/server/core/shared/errors';
import * as sessions from '@/server/core/sessions';
import { startTestServer, type TestServer } from '@/server/testing/harness';

const admin = adminPrincipal();
let s: TestServer;
let workspace: string;

beforeAll(async () => {
  s = await startTestServer();
  workspace = path.join(s.dataDir, 'workspaces', 'errors');
  fs.mkdirSync(workspace, { recursive: true });
});
afterAll(() => s.close());

async function appErrorOf(call: () => Promise<unknown>): Promise<AppError> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

const trpc = () =>
  createTRPCClient<AppRouter>({ links: [httpLink({ url: `${s.url}/api/trpc`, headers: { authorization: `Bearer ${s.adminToken}` } })] });

describe('use cases that take an id', () => {
  it('answer RUN_NOT_FOUND for an unknown run', async () => {
    const id = 'run_nope';
    const calls = [
      () => runs.getRun(s.services, admin, { id }),
      () => runs.cancelRun(s.services, admin, { id }),
      () => runs.exportRun(s.services, admin, { id, shape: { run: (r) => r, event: (e) => e } }),
      () => runs.openRunStream(s.services, admin, { id }),
      () => runs.readRunEvents(s.services, admin, { id }),
      () => approvals.decideApproval(s.services, admin, { runId: id, stepId: 'step_nope', approve: true }),
    ];
    for (const call of calls) expect(await appErrorOf(call)).toMatchObject({ kind: 'NOT_FOUND', code: 'RUN_NOT_FOUND' });
  });

  it('answer SESSION_NOT_FOUND for an unknown session', async () => {
    const sessionId = 'sess_nope';
    const calls = [
      () => sessions.getSession(s.services, admin, { id: sessionId }),
      () => sessions.postMessage(s.services, admin, { sessionId, role: 'user', parts: [{ type: 'text', text: 'hi' }] }),
      () => sessions.cancelTurn(s.services, admin, { sessionId }),
      () => sessions.retryTurn(s.services, admin, { sessionId, turnId: 'turn_nope' }),
      () => sessions.steerTurn(s.services, admin, { sessionId, text: 'hi' }),
      () => sessions.setMode(s.services, admin, { sessionId, mode: 'spec' }),
      () => sessions.addAttachment(s.services, admin, { sessionId, contentBase64: 'aGk=' }),
      () => sessions.openSessionStream(s.services, admin, { id: sessionId }),
      () => sessions.readSessionEvents(s.services, admin, { id: sessionId }),
      () => approvals.decideApproval(s.services, admin, { sessionId, toolCallId: 'call_nope', approve: true }),
    ];
    for (const call of calls) expect(await appErrorOf(call)).toMatchObject({ kind: 'NOT_FOUND', code: 'SESSION_NOT_FOUND' });
  });

  it('answer APPROVAL_NOT_FOUND for an unknown approval of a known run', async () => {
    const run = await runs.createRun(s.services, admin, { workspacePath: workspace, prompt: 'hello', origin: 'test' });
    expect(await appErrorOf(() => approvals.decideApproval(s.services, admin, { runId: run.id, stepId: 'step_nope', approve: true }))).toMatchObject({ code: 'APPROVAL_NOT_FOUND' });
    expect(await appErrorOf(() => approvals.decideApproval(s.services, admin, { approvalId: 'apr_nope', approve: false }))).toMatchObject({ code: 'APPROVAL_NOT_FOUND' });
  });

  it('check existence with one narrow read, never the run with its steps', async () => {
    const run = await runs.createRun(s.services, admin, { workspacePath: workspace, prompt: 'hello', origin: 'test' });
    // The engine starts the run at once; let it finish so that only this read's statements are seen.
    await vi.waitFor(async () => expect((await runs.getRun(s.services, admin, { id: run.id })).status).toBe('succeeded'), { timeout: 10_000 });
    const spy = vi.spyOn(PgDialect.prototype, 'sqlToQuery');
    try {
      expect(await runs.openRunStream(s.services, admin, { id: run.id })).toEqual({ streamId: `run:${run.id}`, exhausted: false });
      const statements = spy.mock.results.flatMap((r) => (r.type === 'return' ? [r.value.sql as string] : [])).filter((sql) => /"run"|"step"/.test(sql));
      expect(statements).toHaveLength(1);
      expect(statements[0]).not.toContain('"step"');
      expect(statements[0]).toMatch(/^select "id", "status" from "run"/);
    } finally {
      spy.mockRestore();
    }
  });

  it('POST /v1/runs/{run_id}/approve, GET /v1/runs/{run_id}/events and the session twins name what is missing', async () => {
    const cases: Array<[string, RequestInit & { json?: unknown }, string]> = [
      ['/v1/runs/run_nope/approve', { method: 'POST', json: { step_id: 'step_1' } }, 'RUN_NOT_FOUND'],
      ['/v1/runs/run_nope/events', {}, 'RUN_NOT_FOUND'],
      ['/v1/sessions/sess_nope/approve', { method: 'POST', json: { tool_call_id: 'call_1' } }, 'SESSION_NOT_FOUND'],
      ['/v1/sessions/sess_nope/events', {}, 'SESSION_NOT_FOUND'],
    ];
    for (const [url, init, code] of cases) {
      const res = await s.fetch(url, { ...init, token: s.adminToken });
      expect([url, res.status, ((await res.json()) as { code: string }).code]).toEqual([url, 404, code]);
    }
  });

  it('runs.events and sessions.events over tRPC are NOT_FOUND for unknown ids', async () => {
    for (const call of [() => trpc().runs.events.query({ id: 'run_nope' }), () => trpc().sessions.events.query({ id: 'sess_nope' })]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCClientError);
      expect((err as TRPCClientError<AppRouter>).data).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});

describe('permission profiles', () => {
  it('runs.create and sessions.create take a named profile; an unknown name is a 400 on profile', async () => {
    const run = await trpc().runs.create.mutate({ workspacePath: workspace, prompt: 'hi', profile: 'trusted' });
    expect(run.policy).toMatchObject({ profile: 'trusted', write: 'allow', bash: 'allow' });
    const session = await sessions.createSession(s.services, admin, { workspacePath: workspace, profile: 'read-only', origin: 'test' });
    expect(session.policy).toMatchObject({ profile: 'read-only', write: 'deny' });
    for (const profile of ['nope', 'toString']) {
      const err = await trpc().runs.create.mutate({ workspacePath: workspace, prompt: 'hi', profile }).catch((e: unknown) => e);
      expect((err as TRPCClientError<AppRouter>).data).toMatchObject({ code: 'BAD_REQUEST', field: 'profile' });
      expect(await appErrorOf(() => sessions.createSession(s.services, admin, { workspacePath: workspace, profile, origin: 'test' }))).toMatchObject({ kind: 'BAD_REQUEST', field: 'profile' });
    }
  });
});

describe('POST /v1/sessions/{session_id}/attachments', () => {
  it('refuses content that is not base64, and a body with neither file nor content, naming the field', async () => {
    const session = await sessions.createSession(s.services, admin, { workspacePath: workspace, origin: 'test' });
    const post = (json: unknown) => s.fetch(`/v1/sessions/${session.id}/attachments`, { method: 'POST', token: s.adminToken, json });
    const notBase64 = await post({ content_base64: '%%% not base64 %%%' });
    expect(notBase64.status).toBe(400);
    expect(await notBase64.json()).toMatchObject({ error: 'content_base64: is not base64' });
    const empty = await post({ name: 'x.txt' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: string }).error).toBe('send a multipart `file` or JSON `content_base64`');
  });
});
