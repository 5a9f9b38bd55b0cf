import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSession, turn } from '@/db/schema';
import { adminPrincipal } from '@/server/auth/principal';
import { listApprovals } from '@/server/core/approvals/list-approvals';
import { cancelTurn, createSession, readSessionEvents, steerTurn } from '@/server/core/sessions';
import { fakeAppServerLog, installFakeAppServer } from '@/server/engine/backends/codex-app-server/fake-app-server';
import { isAlive } from '@/server/engine/backends/shared/testing';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
let key: string;
let binDir: string;
let workspaces: string;
let serverClosed = false;

beforeAll(async () => {
  binDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fake-codex-bin-')));
  installFakeAppServer(binDir);
  // The registry finds `codex` on the server's PATH, as it finds the real one.
  s = await startTestServer({ PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` });
  workspaces = path.join(s.dataDir, 'workspaces');
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'phone', scopes: ['runs:read', 'runs:cancel', 'runs:submit'] } });
  key = (await res.json()).key;
});
afterAll(async () => {
  if (!serverClosed) await s.close();
  fs.rmSync(binDir, { recursive: true, force: true });
});

const as = (token: string) => ({
  get: async (p: string) => {
    const res = await s.fetch(p, { token });
    return { status: res.status, body: (await res.json()) as any };
  },
  post: async (p: string, json: unknown) => {
    const res = await s.fetch(p, { method: 'POST', token, json });
    return { status: res.status, body: (await res.json()) as any };
  },
});
const admin = () => as(s.adminToken);
const device = () => as(key);

async function newSession(name: string, model?: string): Promise<{ id: string; workspace: string }> {
  const workspace = path.join(workspaces, name);
  fs.mkdirSync(workspace, { recursive: true });
  const res = await admin().post('/v1/sessions', { workspace_path: workspace, ...(model ? { model } : {}) });
  expect(res.status).toBe(200);
  return { id: res.body.session_id, workspace: fs.realpathSync(workspace) };
}

async function say(id: string, text: string): Promise<string> {
  const res = await admin().post(`/v1/sessions/${id}/messages`, { role: 'user', parts: [{ type: 'text', text }] });
  expect(res.status).toBe(200);
  return res.body.turn_id;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pendingRequests = (id: string) =>
  until('a pending request', async () => {
    const { body } = await device().get(`/api/v3/sessions/${id}/requests`);
    return body.items?.length ? (body.items as any[]) : undefined;
  });

/** The canonical status (agentd's view folds `interrupted` into `failed`). */
const turnStatus = async (_id: string, turnId: string) => (await s.services.db.select({ status: turn.status }).from(turn).where(eq(turn.id, turnId)))[0]?.status as string | undefined;
const turnEnds = (id: string, turnId: string) =>
  until(`turn ${turnId} to end`, async () => {
    const status = await turnStatus(id, turnId);
    return status === 'succeeded' || status === 'failed' ? status : undefined;
  });

const events = async (id: string) => (await readSessionEvents(s.services, adminPrincipal(), { id })) as Array<{ type: string; data: any }>;
const assistantText = async (id: string) =>
  ((await admin().get(`/v1/sessions/${id}`)).body.messages as any[])
    .filter((m) => m.role === 'assistant')
    .map((m) => m.parts.map((p: any) => p.text ?? '').join(''))
    .at(-1);

/** Processes started from the fake's directory, found by command line (sandbox pid namespaces or not). */
function fakeProcessesAlive(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(binDir) && isAlive(Number(p));
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('POST /api/v3/sessions/{session_id}/approvals/{request_id} (codex app-server session)', () => {
  it('lists the command approval under requests, approvals and the core approvals; accepting it runs the command and completes the turn', async () => {
    const { id, workspace } = await newSession('codex-accept', 'codex:default');
    const turnId = await say(id, '!run touch approved.txt');

    const [request] = await pendingRequests(id);
    expect(request).toMatchObject({ method: 'item/commandExecution/requestApproval', kind: 'approval', resolved: false, resolved_at: null, params: { command: 'touch approved.txt', cwd: workspace } });
    expect(request.request_id).toMatch(/^sreq_/);

    const approvals = (await device().get(`/api/v3/sessions/${id}/approvals`)).body.items;
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ request_id: request.request_id, method: 'item/commandExecution/requestApproval', turn_id: turnId, command: 'touch approved.txt', cwd: workspace, reason: 'the fake wants to run a command', resolved: false });
    expect(approvals[0].thread_id).toMatch(/^thr_fake_/);
    expect(approvals[0].item_id).toMatch(/^call_/);
    expect(approvals[0].payload).toMatchObject({ command: 'touch approved.txt' });

    const core = await listApprovals(s.services, adminPrincipal(), { sessionId: id, status: 'pending' });
    expect(core).toHaveLength(1);
    expect(core[0]).toMatchObject({ summary: 'touch approved.txt', category: 'bash' });
    expect(await turnStatus(id, turnId)).toBe('running');

    const accepted = await device().post(`/api/v3/sessions/${id}/approvals/${request.request_id}`, { decision: 'accept', for_session: true });
    expect(accepted).toEqual({ status: 200, body: { session_id: id, request_id: request.request_id, resolved: true } });
    expect(await turnEnds(id, turnId)).toBe('succeeded');
    expect(fs.existsSync(path.join(workspace, 'approved.txt'))).toBe(true);
    expect(fakeAppServerLog(workspace).flatMap((m) => (m.answer ? [m.answer.result] : []))).toEqual([{ decision: 'acceptForSession' }]);
    expect(await assistantText(id)).toBe('ran touch approved.txt');

    const again = await device().post(`/api/v3/sessions/${id}/approvals/${request.request_id}`, { decision: 'decline' });
    expect(again.status).toBe(409);
    expect((await device().get(`/api/v3/sessions/${id}/requests`)).body.items).toEqual([]);
    expect((await device().get(`/api/v3/sessions/${id}/approvals`)).body.items).toEqual([]);

    const log = await events(id);
    const notifications = log.filter((e) => e.type === 'backend_notification');
    expect(notifications.map((e) => e.data.method)).toEqual(expect.arrayContaining(['turn/started', 'item/started', 'item/agentMessage/delta', 'item/completed', 'thread/tokenUsage/updated', 'turn/completed']));
    expect(notifications.every((e) => e.data.turn_id === turnId && e.data.params)).toBe(true);
    const asked = log.find((e) => e.type === 'server_request');
    expect(asked?.data).toMatchObject({ request_id: request.request_id, method: 'item/commandExecution/requestApproval', kind: 'approval', turn_id: turnId, params: { command: 'touch approved.txt' } });
    expect(log.find((e) => e.type === 'server_request_resolved')?.data).toMatchObject({ request_id: request.request_id });
    expect(log.findIndex((e) => e.type === 'server_request_resolved')).toBeGreaterThan(log.findIndex((e) => e.type === 'server_request'));
    expect(log.find((e) => e.type === 'approval_requested')?.data).toMatchObject({ command: 'touch approved.txt', request_id: request.request_id });
    expect(log.find((e) => e.type === 'usage_recorded')?.data).toMatchObject({ provider: 'codex', input_tokens: 10, output_tokens: 10 });

    const [row] = await s.services.db.select({ metadata: agentSession.metadata }).from(agentSession).where(eq(agentSession.id, id));
    expect(row!.metadata.thread_id).toBe(approvals[0].thread_id);
  });

  it('declines through POST …/requests/{request_id} with {result: {decision: "decline"}}; the session keeps its process and thread', async () => {
    const { id, workspace } = await newSession('codex-decline', 'codex:default');
    const first = await say(id, 'hello');
    expect(await turnEnds(id, first)).toBe('succeeded');
    expect(await assistantText(id)).toBe('fake reply: hello');

    const second = await say(id, '!run touch declined.txt');
    const [request] = await pendingRequests(id);
    const declined = await device().post(`/api/v3/sessions/${id}/requests/${request.request_id}`, { result: { decision: 'decline' } });
    expect(declined).toEqual({ status: 200, body: { session_id: id, request_id: request.request_id, resolved: true } });
    expect(await turnEnds(id, second)).toBe('succeeded');
    expect(fs.existsSync(path.join(workspace, 'declined.txt'))).toBe(false);
    expect(await assistantText(id)).toBe('did not run touch declined.txt');
    const core = await listApprovals(s.services, adminPrincipal(), { sessionId: id });
    expect(core.map((a) => a.status)).toEqual(['denied']);

    const sent = fakeAppServerLog(workspace).map((m) => m.method).filter(Boolean);
    // One process, one handshake, one thread: the second turn went to the thread the first started.
    expect(sent.filter((m) => m === 'initialize')).toHaveLength(1);
    expect(sent.filter((m) => m === 'thread/start')).toHaveLength(1);
    expect(sent.filter((m) => m === 'turn/start')).toHaveLength(2);
  });

  it('presents a file change approval with the paths it writes; accepting it writes the file', async () => {
    const { id, workspace } = await newSession('codex-patch', 'codex:default');
    const turnId = await say(id, '!patch notes.md');
    const [request] = await pendingRequests(id);
    expect(request).toMatchObject({ method: 'item/fileChange/requestApproval', kind: 'approval', params: { reason: 'the fake wants to write a file' } });
    const [approval] = (await device().get(`/api/v3/sessions/${id}/approvals`)).body.items;
    expect(approval).toMatchObject({ request_id: request.request_id, method: 'item/fileChange/requestApproval', command: `file change: ${path.join(workspace, 'notes.md')}`, reason: 'the fake wants to write a file' });
    const [core] = await listApprovals(s.services, adminPrincipal(), { sessionId: id, status: 'pending' });
    expect(core).toMatchObject({ category: 'write', tool_name: 'apply_patch' });
    expect((await device().post(`/api/v3/sessions/${id}/approvals/${request.request_id}`, { decision: 'accept' })).status).toBe(200);
    expect(await turnEnds(id, turnId)).toBe('succeeded');
    expect(fs.readFileSync(path.join(workspace, 'notes.md'), 'utf8')).toBe('patched\n');
  });

  it('lets the session policy answer when it does not ask: a trusted session accepts at once and tells Codex never to ask', async () => {
    const workspace = path.join(workspaces, 'codex-trusted');
    fs.mkdirSync(workspace, { recursive: true });
    const session = await createSession(s.services, adminPrincipal(), { workspacePath: workspace, model: 'codex:default', profile: 'trusted', origin: 'test' });
    const turnId = await say(session.id, '!run touch trusted.txt');
    expect(await turnEnds(session.id, turnId)).toBe('succeeded');
    expect(fs.existsSync(path.join(workspace, 'trusted.txt'))).toBe(true);
    expect(fakeAppServerLog(fs.realpathSync(workspace)).find((m) => m.method === 'thread/start')?.params).toMatchObject({ approvalPolicy: 'never', sandbox: 'workspace-write' });
    expect(await listApprovals(s.services, adminPrincipal(), { sessionId: session.id })).toEqual([]);
    const log = await events(session.id);
    const asked = log.find((e) => e.type === 'server_request')!;
    expect(asked.data).toMatchObject({ method: 'item/commandExecution/requestApproval', kind: 'approval' });
    expect(log.find((e) => e.type === 'server_request_resolved')?.data).toMatchObject({ request_id: asked.data.request_id });
    expect(fakeAppServerLog(fs.realpathSync(workspace)).flatMap((m) => (m.answer ? [m.answer.result] : []))).toEqual([{ decision: 'accept' }]);
    expect((await device().get(`/api/v3/sessions/${session.id}/requests`)).body.items).toEqual([]);
  });

  it('keeps asking when the session policy asks, whatever approval policy the session asked Codex for', async () => {
    const workspace = path.join(workspaces, 'codex-lax');
    fs.mkdirSync(workspace, { recursive: true });
    const session = await createSession(s.services, adminPrincipal(), { workspacePath: workspace, model: 'codex:default', origin: 'test', metadata: { approval_policy: 'never' } });
    expect(await turnEnds(session.id, await say(session.id, 'hi'))).toBe('succeeded');
    expect(fakeAppServerLog(fs.realpathSync(workspace)).find((m) => m.method === 'thread/start')?.params).toMatchObject({ approvalPolicy: 'untrusted' });
  });

  it('answers a question (item/tool/requestUserInput) with the result a client posts to …/requests/{request_id}', async () => {
    const { id } = await newSession('codex-ask', 'codex:default');
    const turnId = await say(id, '!ask');
    const [request] = await pendingRequests(id);
    expect(request).toMatchObject({ method: 'item/tool/requestUserInput', kind: 'request_user_input' });
    expect((await device().get(`/api/v3/sessions/${id}/approvals`)).body.items).toEqual([]);
    const answered = await device().post(`/api/v3/sessions/${id}/requests/${request.request_id}`, { result: { answers: { color: { answers: ['blue'] } } } });
    expect(answered.status).toBe(200);
    expect(await turnEnds(id, turnId)).toBe('succeeded');
    expect(await assistantText(id)).toBe('answer: {"answers":{"color":{"answers":["blue"]}}}');
  });

  it('refuses the bootstrap token (403), unknown sessions and requests (404) and a bad decision (400)', async () => {
    const { id } = await newSession('codex-errors', 'codex:default');
    expect((await admin().get(`/api/v3/sessions/${id}/requests`)).status).toBe(403);
    expect((await device().get('/api/v3/sessions/sess_unknown/requests')).status).toBe(404);
    expect((await device().get('/api/v3/sessions/sess_unknown/approvals')).status).toBe(404);
    expect((await device().post(`/api/v3/sessions/${id}/requests/sreq_unknown`, { result: {} })).status).toBe(404);
    expect((await device().post(`/api/v3/sessions/${id}/approvals/sreq_unknown`, { decision: 'accept' })).status).toBe(404);
    const bad = await device().post(`/api/v3/sessions/${id}/approvals/sreq_unknown`, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('decision');
    expect((await device().post(`/api/v3/sessions/${id}/requests/sreq_unknown`, { error: { code: 'x', message: 'no' } })).status).toBe(400);
    // Also under the dialect's own base path.
    expect((await device().get(`/echohelix/api/v3/sessions/${id}/requests`)).body).toEqual({ items: [] });
  });
});

describe('interrupting a codex session turn', () => {
  it('sends turn/interrupt, closes the request the turn waited on, and keeps the process for the next turn', async () => {
    const { id, workspace } = await newSession('codex-interrupt', 'codex:default');
    const hanging = await say(id, '!hang');
    await until('the turn to stream', async () => ((await events(id)).some((e) => e.type === 'model_output_delta') ? true : undefined));
    await cancelTurn(s.services, adminPrincipal(), { sessionId: id, as: 'interrupted' });
    await until('the turn to be interrupted', async () => ((await turnStatus(id, hanging)) === 'interrupted' ? true : undefined));
    const interrupts = fakeAppServerLog(workspace).filter((m) => m.method === 'turn/interrupt');
    expect(interrupts).toHaveLength(1);
    expect(interrupts[0]!.params!.turnId).toMatch(/^turn_fake_/);

    const waiting = await say(id, '!run touch never.txt');
    const [request] = await pendingRequests(id);
    await cancelTurn(s.services, adminPrincipal(), { sessionId: id, as: 'interrupted' });
    await until('the turn to be interrupted', async () => ((await turnStatus(id, waiting)) === 'interrupted' ? true : undefined));
    await until('the request to close', async () => ((await device().get(`/api/v3/sessions/${id}/requests`)).body.items.length === 0 ? true : undefined));
    expect((await events(id)).some((e) => e.type === 'server_request_resolved' && e.data.request_id === request.request_id)).toBe(true);
    expect(fs.existsSync(path.join(workspace, 'never.txt'))).toBe(false);

    const next = await say(id, 'still there?');
    expect(await turnEnds(id, next)).toBe('succeeded');
    expect(await assistantText(id)).toBe('fake reply: still there?');
    expect(fakeAppServerLog(workspace).filter((m) => m.method === 'initialize')).toHaveLength(1);
  });
});

describe('steering a codex session turn', () => {
  it('hands the steered input to the running Codex turn with turn/steer; the turn makes no second call', async () => {
    const { id, workspace } = await newSession('codex-steer', 'codex:default');
    const turnId = await say(id, '!hang');
    await until('the turn to stream', async () => ((await events(id)).some((e) => e.type === 'model_output_delta') ? true : undefined));
    expect(await steerTurn(s.services, adminPrincipal(), { sessionId: id, text: 'also this' })).toEqual({ turnId });
    expect(await turnEnds(id, turnId)).toBe('succeeded');
    const sent = fakeAppServerLog(workspace).filter((m) => m.method === 'turn/steer' || m.method === 'turn/start');
    expect(sent.map((m) => m.method)).toEqual(['turn/start', 'turn/steer']);
    expect(sent[1]!.params).toMatchObject({ input: [{ type: 'text', text: 'also this' }] });
    expect(sent[1]!.params!.expectedTurnId).toMatch(/^turn_fake_/);
    expect(await assistantText(id)).toBe('working…\n\nsteered: also this');
  });
});

describe('a codex turn waiting for approval across a restart', () => {
  it('closes the request the stopped server left, resumes the thread and asks again; accepting then completes the turn', async () => {
    const first = await startTestServer({ PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` });
    const workspace = path.join(first.dataDir, 'workspaces', 'restart');
    fs.mkdirSync(workspace, { recursive: true });
    const keyRes = await first.fetch('/v1/auth/keys', { method: 'POST', token: first.adminToken, json: { name: 'phone', scopes: ['runs:read', 'runs:cancel'] } });
    const restartKey = (await keyRes.json()).key as string;
    const created = await first.fetch('/v1/sessions', { method: 'POST', token: first.adminToken, json: { workspace_path: workspace, model: 'codex:default' } });
    const id = ((await created.json()) as any).session_id as string;
    await first.fetch(`/v1/sessions/${id}/messages`, { method: 'POST', token: first.adminToken, json: { role: 'user', parts: [{ type: 'text', text: '!run touch after-restart.txt' }] } });
    const pendingOn = (server: TestServer) =>
      until('a pending request', async () => {
        const items = ((await (await server.fetch(`/api/v3/sessions/${id}/requests`, { token: restartKey })).json()) as any).items as any[];
        return items.length ? items[0] : undefined;
      });
    const before = await pendingOn(first);
    await first.close({ keepData: true });

    const second = await startTestServer({ PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` }, { restartOf: first });
    try {
      const after = await until('the request asked again', async () => {
        const items = ((await (await second.fetch(`/api/v3/sessions/${id}/requests`, { token: restartKey })).json()) as any).items as any[];
        return items.length && items[0].request_id !== before.request_id ? items : undefined;
      });
      expect(after).toHaveLength(1);
      const log = (await readSessionEvents(second.services, adminPrincipal(), { id })) as Array<{ type: string; data: any }>;
      expect(log.some((e) => e.type === 'server_request_resolved' && e.data.request_id === before.request_id)).toBe(true);
      const sent = fakeAppServerLog(fs.realpathSync(workspace)).map((m) => m.method);
      expect(sent.filter((m) => m === 'thread/start')).toHaveLength(1);
      expect(sent.filter((m) => m === 'thread/resume')).toHaveLength(1);

      expect((await second.fetch(`/api/v3/sessions/${id}/approvals/${after[0].request_id}`, { method: 'POST', token: restartKey, json: { decision: 'accept' } })).status).toBe(200);
      await until('the file', async () => (fs.existsSync(path.join(workspace, 'after-restart.txt')) ? true : undefined));
      const ended = await until('the turn to end', async () => {
        const [t] = await second.services.db.select({ status: turn.status }).from(turn).where(eq(turn.sessionId, id));
        return t && t.status !== 'running' ? t.status : undefined;
      });
      expect(ended).toBe('succeeded');
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)('POST /api/v3/sessions/{session_id}/approvals/{request_id} on another process', () => {
  it('reaches the worker holding the app-server when a web process takes the answer', async () => {
    const web = await startTestServer({ ROLE: 'web', WORKSPACE_ROOTS: workspaces, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` }, { shareDatabaseWith: s });
    try {
      const workspace = path.join(workspaces, 'codex-web');
      fs.mkdirSync(workspace, { recursive: true });
      const created = await web.fetch('/v1/sessions', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, model: 'codex:default' } });
      expect(created.status).toBe(200);
      const id = ((await created.json()) as any).session_id as string;
      const posted = await web.fetch(`/v1/sessions/${id}/messages`, { method: 'POST', token: s.adminToken, json: { role: 'user', parts: [{ type: 'text', text: '!run touch from-web.txt' }] } });
      const turnId = ((await posted.json()) as any).turn_id as string;
      const request = await until('a pending request', async () => {
        const items = ((await (await web.fetch(`/api/v3/sessions/${id}/requests`, { token: key })).json()) as any).items as any[];
        return items.length ? items[0] : undefined;
      });
      const accepted = await web.fetch(`/api/v3/sessions/${id}/approvals/${request.request_id}`, { method: 'POST', token: key, json: { decision: 'accept' } });
      expect(accepted.status).toBe(200);
      expect(await turnEnds(id, turnId)).toBe('succeeded');
      expect(fs.existsSync(path.join(workspace, 'from-web.txt'))).toBe(true);
      expect(web.services.engine.executor.appServers!.pids().size).toBe(0);
    } finally {
      await web.close();
    }
  });
});

describe('GET /api/v3/sessions/{session_id}/approvals (scripted session, core approvals)', () => {
  it('presents a bash call waiting for approval as a command approval request; accepting it runs the tool', async () => {
    const { id, workspace } = await newSession('scripted-accept');
    const turnId = await say(id, '::tool bash {"command":"echo hi > scripted.txt"}\n::say done');
    const [request] = await pendingRequests(id);
    expect(request).toMatchObject({ method: 'item/commandExecution/requestApproval', kind: 'approval', resolved: false, params: { command: 'echo hi > scripted.txt', cwd: workspace } });
    expect(request.request_id).toMatch(/^apr_/);
    const [approval] = (await device().get(`/api/v3/sessions/${id}/approvals`)).body.items;
    expect(approval).toMatchObject({ request_id: request.request_id, turn_id: turnId, command: 'echo hi > scripted.txt', cwd: workspace, item_id: 'call_1', resolved: false });

    expect((await device().post(`/api/v3/sessions/${id}/approvals/${request.request_id}`, { decision: 'accept' })).status).toBe(200);
    expect(await turnEnds(id, turnId)).toBe('succeeded');
    expect(fs.readFileSync(path.join(workspace, 'scripted.txt'), 'utf8')).toBe('hi\n');
    expect((await device().post(`/api/v3/sessions/${id}/approvals/${request.request_id}`, { decision: 'accept' })).status).toBe(409);
  });

  it('declines with POST …/requests/{request_id} {result: {decision: "decline"}}: the tool does not run', async () => {
    const { id, workspace } = await newSession('scripted-decline');
    const turnId = await say(id, '::tool bash {"command":"touch never.txt"}\n::say moved on');
    const [request] = await pendingRequests(id);
    expect((await device().post(`/api/v3/sessions/${id}/requests/${request.request_id}`, { result: { decision: 'decline' } })).status).toBe(200);
    expect(await turnEnds(id, turnId)).toBe('succeeded');
    expect(fs.existsSync(path.join(workspace, 'never.txt'))).toBe(false);
    const core = await listApprovals(s.services, adminPrincipal(), { sessionId: id });
    expect(core.map((a) => a.status)).toEqual(['denied']);
  });
});

describe('codex app-server processes', () => {
  it('are gone once their session is closed, and none is left when the server stops', async () => {
    const pool = s.services.engine.executor.appServers!;
    const { id } = await newSession('codex-close', 'codex:default');
    expect(await turnEnds(id, await say(id, 'hi'))).toBe('succeeded');
    const pid = pool.pids().get(id);
    expect(pid).toBeDefined();
    expect(isAlive(pid!)).toBe(true);

    // DELETE closes it; the pool hears the session_closed event and stops the process at once.
    const closed = await s.fetch(`/api/v3/sessions/${id}`, { method: 'DELETE', token: key });
    expect(closed.status).toBe(200);
    await until('the process to go', async () => (!isAlive(pid!) ? true : undefined), 2_000);
    expect(pool.pids().has(id)).toBe(false);

    const other = await newSession('codex-shutdown', 'codex:default');
    expect(await turnEnds(other.id, await say(other.id, 'hi'))).toBe('succeeded');
    expect(fakeProcessesAlive().length).toBeGreaterThan(0);
    serverClosed = true;
    await s.close();
    expect(fakeProcessesAlive()).toEqual([]);
  });
});
