import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { user } from '@/db/schema';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { upgradeAnswer } from '@/server/testing/ws-client';

let s: TestServer;
/** A user's keys: every runs scope, only runs:read, and another user's. */
let key: string;
let readKey: string;
let otherKey: string;
/** The same user's key for agentd's session paths (sessions:read). */
let agentdKey: string;

async function userKey(userId: string, name: string, permissions: Record<string, string[]>): Promise<string> {
  return (await s.services.auth.api.createApiKey({ body: { name, userId, prefix: 'sb_', permissions } })).key;
}

beforeAll(async () => {
  s = await startTestServer();
  await s.services.db.insert(user).values([
    { id: 'u-eh', name: 'eh', email: 'eh@example.com' },
    { id: 'u-other', name: 'other', email: 'other@example.com' },
  ]);
  key = await userKey('u-eh', 'all', { runs: ['read', 'submit', 'cancel'] });
  readKey = await userKey('u-eh', 'reader', { runs: ['read'] });
  agentdKey = await userKey('u-eh', 'agentd', { sessions: ['read'] });
  otherKey = await userKey('u-other', 'theirs', { runs: ['read', 'submit', 'cancel'] });
});
afterAll(() => s.close());

const post = (p: string, json: unknown, token = key) => s.fetch(p, { method: 'POST', token, json });
const get = (p: string, token = key) => s.fetch(p, { token });

async function newSession(base = '', extra: Record<string, unknown> = {}) {
  const res = await post(`${base}/api/v3/sessions`, { workspace_path: '.', backend: 'scripted', ...extra });
  expect(res.status).toBe(201);
  return (await res.json()) as { session_id: string; thread_id: string; status: string };
}

async function turn(id: string, body: Record<string, unknown>, base = '') {
  const res = await post(`${base}/api/v3/sessions/${id}/turns`, body);
  expect(res.status).toBe(202);
  return (await res.json()) as { session_id: string; thread_id: string; turn_id: string; status: string };
}

interface Message {
  session_id: string;
  seq: number;
  ts: string;
  type: string;
  method: string;
  request_id?: string;
  payload: Record<string, any>;
}

/** A session's event socket: every message it received, and a wait for one that matches. */
function follow(id: string, opts: { fromSeq?: number; base?: string; query?: string; headers?: Record<string, string> } = {}) {
  const params = new URLSearchParams(opts.query ?? '');
  if (opts.fromSeq !== undefined) params.set('from_seq', String(opts.fromSeq));
  const url = `${s.url.replace(/^http/, 'ws')}${opts.base ?? ''}/api/v3/sessions/${id}/events${params.size ? `?${params}` : ''}`;
  const ws = new WebSocket(url, { headers: opts.headers ?? (opts.query ? {} : { authorization: `Bearer ${key}` }) });
  const messages: Message[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (raw) => {
    messages.push(JSON.parse(raw.toString()) as Message);
    for (const w of waiters.splice(0)) w();
  });
  return {
    messages,
    close: () => ws.close(),
    /** The first message matching, waiting for it up to a deadline. */
    waitFor(match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
      const deadline = Date.now() + timeoutMs;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) return resolve(found);
          if (Date.now() > deadline) return reject(new Error(`no matching message; got ${messages.map((m) => m.method).join(', ')}`));
          waiters.push(check);
          setTimeout(check, 200);
        };
        check();
      });
    },
  };
}

const turnCompleted = (turnId: string) => (m: Message) => m.method === 'turn/completed' && m.payload.turn?.id === turnId;

describe('POST /api/v3/sessions', () => {
  it('creates a session on the scripted backend (201) and emits thread/started right after creation', async () => {
    const created = await newSession('', { workspace_id: 'ws-1', approval_policy: 'on-request', sandbox: 'workspace-write', config: { a: 1 } });
    expect(created).toMatchObject({ backend: 'scripted', workspace_id: 'ws-1', status: 'ready', error: null });
    expect(created.session_id).toMatch(/^sess_/);
    expect(created.thread_id).toBe(created.session_id);
    const events = follow(created.session_id);
    const first = await events.waitFor(() => true);
    events.close();
    expect(first).toMatchObject({ session_id: created.session_id, seq: 1, type: 'notification', method: 'thread/started', payload: { thread: { id: created.thread_id } } });
    expect(Date.parse(first.ts)).not.toBeNaN();
  });

  it('keeps a thread_id the client resumes', async () => {
    const created = await newSession('', { thread_id: 'thr_resume_me' });
    expect(created.thread_id).toBe('thr_resume_me');
  });

  it('refuses a backend this server lacks (400 naming backend), bad policy values (400), the bootstrap token (403)', async () => {
    const missing = await post('/api/v3/sessions', { workspace_path: '.' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toContain('backend');
    const bad = await post('/api/v3/sessions', { workspace_path: '.', backend: 'scripted', approval_policy: 'sometimes' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain('approval_policy');
    const sandbox = await post('/api/v3/sessions', { workspace_path: '.', backend: 'scripted', sandbox: 'outer-space' });
    expect((await sandbox.json()).error).toContain('sandbox');
    // Outside the sandbox is the admin's to choose.
    expect((await post('/api/v3/sessions', { workspace_path: '.', backend: 'scripted', sandbox: 'danger-full-access' })).status).toBe(403);
    const bootstrap = await post('/api/v3/sessions', { workspace_path: s.dataDir, backend: 'scripted' }, s.adminToken);
    expect(bootstrap.status).toBe(403);
  });
});

describe('GET /api/v3/sessions, GET /api/v3/sessions/{session_id}', () => {
  it('lists and reads the owner\u2019s sessions; another owner\u2019s is 404 and not listed', async () => {
    const created = await newSession();
    const one = await get(`/api/v3/sessions/${created.session_id}`, readKey);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual(created);
    const list = (await (await get('/api/v3/sessions', readKey)).json()) as { items: Array<{ session_id: string }> };
    expect(list.items.map((i) => i.session_id)).toContain(created.session_id);
    expect((await get(`/api/v3/sessions/${created.session_id}`, otherKey)).status).toBe(404);
    expect((await get('/api/v3/sessions/sess_nope')).status).toBe(404);
    const theirs = (await (await get('/api/v3/sessions', otherKey)).json()) as { items: unknown[] };
    expect(theirs.items).toEqual([]);
    expect((await post(`/api/v3/sessions/${created.session_id}/turns`, { prompt: 'hi' }, otherKey)).status).toBe(404);
    expect((await s.fetch(`/api/v3/sessions/${created.session_id}`, { method: 'DELETE', token: otherKey })).status).toBe(404);
    expect((await get(`/api/v3/sessions/${created.session_id}`, s.adminToken)).status).toBe(403);
  });

  it('is visible through agentd\u2019s GET /v1/sessions/{session_id} (one store)', async () => {
    const created = await newSession();
    const res = await get(`/v1/sessions/${created.session_id}`, agentdKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.session_id, model_canonical: 'scripted:default' });
  });
});

describe('POST /api/v3/sessions/{session_id}/turns, GET /api/v3/sessions/{session_id}/events', () => {
  it('streams a turn as Codex notifications to turn/completed; from_seq resumes exactly there', async () => {
    const { session_id: id, thread_id } = await newSession();
    const events = follow(id);
    const started = await turn(id, { prompt: '::say hello world' });
    expect(started).toMatchObject({ session_id: id, thread_id, status: 'inProgress' });
    expect(started.turn_id).toMatch(/^turn_/);
    const done = await events.waitFor(turnCompleted(started.turn_id));
    events.close();
    expect(done).toMatchObject({ type: 'notification', payload: { threadId: thread_id, turn: { id: started.turn_id, status: 'completed' } } });
    const methods = events.messages.map((m) => m.method);
    expect(methods).toEqual(expect.arrayContaining(['thread/started', 'turn/started', 'item/started', 'item/agentMessage/delta', 'item/completed', 'turn/completed']));
    const deltas = events.messages.filter((m) => m.method === 'item/agentMessage/delta');
    expect(deltas.map((m) => m.payload.delta).join('')).toBe('hello world');
    const item = events.messages.find((m) => m.method === 'item/completed')!;
    expect(item.payload).toMatchObject({ turnId: started.turn_id, item: { type: 'agentMessage', id: deltas[0]!.payload.itemId, text: 'hello world' } });
    const seqs = events.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const from = events.messages.find((m) => m.method === 'turn/started')!.seq;
    const again = follow(id, { fromSeq: from, query: `access_token=${key}` });
    await again.waitFor(turnCompleted(started.turn_id));
    again.close();
    expect(again.messages[0]!.seq).toBe(from);
    expect(again.messages).toEqual(events.messages.filter((m) => m.seq >= from));
  });

  it('the socket refuses no credential (401), the bootstrap token and a key without runs:read (403), another owner (404)', async () => {
    const { session_id: id } = await newSession();
    const url = `${s.url.replace(/^http/, 'ws')}/api/v3/sessions/${id}/events`;
    expect((await upgradeAnswer(url)).status).toBe(401);
    expect((await upgradeAnswer(url, { authorization: `Bearer ${s.adminToken}` })).status).toBe(403);
    expect((await upgradeAnswer(url, { authorization: `Bearer ${agentdKey}` })).status).toBe(403);
    expect((await upgradeAnswer(url, { authorization: `Bearer ${otherKey}` })).status).toBe(404);
    expect((await upgradeAnswer(`${url}?access_token=${readKey}`)).status).toBe(101);
  });

  it('takes Codex input items and `?token=`; a turn while one is active is 409', async () => {
    const { session_id: id } = await newSession();
    const events = follow(id, { query: `token=${key}` });
    const started = await turn(id, { input: [{ type: 'text', text: '::sleep 60000' }] });
    await events.waitFor((m) => m.method === 'turn/started');
    expect((await post(`/api/v3/sessions/${id}/turns`, { prompt: 'another' })).status).toBe(409);
    expect((await post(`/api/v3/sessions/${id}/turns`, {})).status).toBe(400);
    expect((await post(`/api/v3/sessions/${id}/turns`, { input: [{ type: 'image', url: 'http://x' }] })).status).toBe(400);
    await post(`/api/v3/sessions/${id}/interrupt`, {});
    await events.waitFor(turnCompleted(started.turn_id));
    events.close();
  });

  it('steer adds input to the active turn and answers its turn_id; interrupt ends it as interrupted', async () => {
    const { session_id: id } = await newSession();
    const events = follow(id);
    const started = await turn(id, { prompt: '::sleep 60000' });
    await events.waitFor((m) => m.method === 'turn/started');
    const steered = await turn(id, { prompt: 'and also this', steer: true, expected_turn_id: started.turn_id });
    expect(steered.turn_id).toBe(started.turn_id);
    const stale = await post(`/api/v3/sessions/${id}/turns`, { prompt: 'x', steer: true, expected_turn_id: 'turn_other' });
    expect(stale.status).toBe(409);
    const interrupted = await post(`/api/v3/sessions/${id}/interrupt`, { turn_id: started.turn_id });
    expect(interrupted.status).toBe(200);
    expect(await interrupted.json()).toEqual({ session_id: id, interrupted: true });
    const done = await events.waitFor(turnCompleted(started.turn_id));
    events.close();
    expect(done.payload.turn.status).toBe('interrupted');
    // Steering started no turn of its own.
    expect(events.messages.filter((m) => m.method === 'turn/started')).toHaveLength(1);
    const thread = await post(`/api/v3/sessions/${id}/backend/call`, { method: 'thread/read' });
    const turns = (await thread.json()).result.thread.turns;
    expect(turns).toHaveLength(1);
    expect(turns[0].items.filter((i: any) => i.type === 'userMessage').map((i: any) => i.content[0].text)).toEqual(['::sleep 60000', 'and also this']);
  });

  it('interrupt or steer with no active turn is 400', async () => {
    const { session_id: id } = await newSession();
    const res = await post(`/api/v3/sessions/${id}/interrupt`, {});
    expect(res.status).toBe(400);
    expect((await post(`/api/v3/sessions/${id}/turns`, { prompt: 'x', steer: true })).status).toBe(400);
    expect((await post('/api/v3/sessions/sess_nope/interrupt', {})).status).toBe(404);
  });

  it('an approval arrives as a `request` event with the request_id and the exact command', async () => {
    const { session_id: id } = await newSession('', { approval_policy: 'untrusted' });
    const events = follow(id);
    const command = 'echo "hi there" && ls -la';
    const started = await turn(id, { prompt: `::tool bash ${JSON.stringify({ command })}` });
    const request = await events.waitFor((m) => m.type === 'request');
    expect(request).toMatchObject({ method: 'item/commandExecution/requestApproval', payload: { command, turnId: started.turn_id } });
    expect(request.request_id).toMatch(/^apr_/);
    expect(request.payload.request_id).toBe(request.request_id);
    await post(`/api/v3/sessions/${id}/interrupt`, {});
    await events.waitFor(turnCompleted(started.turn_id));
    events.close();
  });
});

describe('DELETE /api/v3/sessions/{session_id}', () => {
  it('closes the session: GET still answers it as closed, a new turn is 409, the stream says thread/closed', async () => {
    const { session_id: id } = await newSession();
    const res = await s.fetch(`/api/v3/sessions/${id}`, { method: 'DELETE', token: key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ session_id: id, closed: true });
    expect((await (await get(`/api/v3/sessions/${id}`)).json()).status).toBe('closed');
    expect((await post(`/api/v3/sessions/${id}/turns`, { prompt: 'hello?' })).status).toBe(409);
    // Closing again is the same answer.
    expect((await s.fetch(`/api/v3/sessions/${id}`, { method: 'DELETE', token: key })).status).toBe(200);
    const events = follow(id);
    await events.waitFor((m) => m.method === 'thread/closed');
    events.close();
  });

  it('interrupts a turn still in progress before it closes', async () => {
    const { session_id: id, thread_id } = await newSession();
    const events = follow(id);
    const started = await turn(id, { prompt: '::sleep 60000' });
    await events.waitFor((m) => m.method === 'turn/started');
    expect((await s.fetch(`/api/v3/sessions/${id}`, { method: 'DELETE', token: key })).status).toBe(200);
    const closed = await events.waitFor((m) => m.method === 'thread/closed');
    events.close();
    const done = events.messages.find(turnCompleted(started.turn_id))!;
    expect(done.payload.turn.status).toBe('interrupted');
    expect(done.seq).toBeLessThan(closed.seq);
    expect(closed.payload).toEqual({ threadId: thread_id });
    expect((await (await get(`/api/v3/sessions/${id}`)).json()).status).toBe('closed');
  });
});

describe('GET /api/v3/sessions/{session_id}/backend/status, POST /api/v3/sessions/{session_id}/backend/call', () => {
  it('answers status for runs:read; other methods need their own scope (403 naming it)', async () => {
    const { session_id: id, thread_id } = await newSession();
    const status = await get(`/api/v3/sessions/${id}/backend/status`, readKey);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ session_id: id, backend: 'scripted', thread_id, result: { thread: { id: thread_id, status: 'idle' }, active_turn: null } });
    const call = (method: string, extra: Record<string, unknown> = {}, token = key) => post(`/api/v3/sessions/${id}/backend/call`, { method, ...extra }, token);
    const viaCall = await call('status', {}, readKey);
    expect(viaCall.status).toBe(200);
    expect(await viaCall.json()).toMatchObject({ session_id: id, backend: 'scripted', thread_id, method: 'status', result: { thread: { id: thread_id } } });
    const denied = await call('turn/start', { params: { input: [{ type: 'text', text: 'hi' }] } }, readKey);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error).toContain('missing scope: runs:submit');
    expect((await call('turn/interrupt', {}, readKey)).status).toBe(403);
  });

  it('rejects initialize, a missing or unknown method and timeout_ms over 600000 (400)', async () => {
    const { session_id: id } = await newSession();
    const call = (body: Record<string, unknown>) => post(`/api/v3/sessions/${id}/backend/call`, body);
    expect((await call({ method: 'initialize' })).status).toBe(400);
    const missing = await call({ params: {} });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toContain('method');
    const unknown = await call({ method: 'thread/fork' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toContain('method');
    const slow = await call({ method: 'status', timeout_ms: 600_001 });
    expect(slow.status).toBe(400);
    expect((await slow.json()).error).toContain('timeout_ms');
    expect((await call({ method: 'status', timeout_ms: 600_000 })).status).toBe(200);
  });

  it('drives a turn with turn/start, turn/steer and turn/interrupt in Codex\u2019s own params', async () => {
    const { session_id: id } = await newSession();
    const events = follow(id);
    const call = async (method: string, params: Record<string, unknown>) => {
      const res = await post(`/api/v3/sessions/${id}/backend/call`, { method, params, timeout_ms: 5000 });
      expect(res.status).toBe(200);
      return (await res.json()).result;
    };
    const { turn: started } = await call('turn/start', { input: [{ type: 'text', text: '::sleep 60000' }], approvalPolicy: 'on-request', sandboxPolicy: { type: 'workspaceWrite' } });
    expect(started).toMatchObject({ status: 'inProgress' });
    await events.waitFor((m) => m.method === 'turn/started');
    expect(await call('status', {})).toMatchObject({ thread: { status: 'active' }, active_turn: { id: started.id, status: 'inProgress' } });
    expect(await call('turn/steer', { input: [{ type: 'text', text: 'more' }], expectedTurnId: started.id })).toEqual({ turnId: started.id });
    expect(await call('turn/interrupt', { turnId: started.id })).toEqual({});
    const done = await events.waitFor(turnCompleted(started.id));
    events.close();
    expect(done.payload.turn.status).toBe('interrupted');
  });
});

describe('/echohelix base path', () => {
  it('serves the same sessions, turns and socket under /echohelix', async () => {
    const created = await newSession('/echohelix');
    expect((await get(`/echohelix/api/v3/sessions/${created.session_id}`)).status).toBe(200);
    const events = follow(created.session_id, { base: '/echohelix' });
    const started = await turn(created.session_id, { prompt: '::say under a base path' }, '/echohelix');
    const done = await events.waitFor(turnCompleted(started.turn_id));
    events.close();
    expect(done.payload.turn.status).toBe('completed');
  });
});
