import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { upgradeAnswer } from '@/server/testing/ws-client';
import eventV2Schema from './shapes/event.v2.schema.json';

interface Account {
  id: string;
  key: string;
  workspace: string;
}

type EventV2 = {
  run_id: string;
  seq: number;
  ts: string;
  schema_version: string;
  type: string;
  channel: string;
  role: string;
  backend: string;
  source?: string;
  compat?: { text?: string; status?: string; is_error?: boolean };
  payload?: Record<string, unknown>;
};

const RUN_SCOPES = ['runs:submit', 'runs:read', 'runs:cancel'];
const validateEvent = new Ajv2020({ strict: false, validateFormats: false }).compile(eventV2Schema);

let s: TestServer;
let alice: Account;
let bob: Account;
/** A key the admin made for the server's own use: it acts with the admin's privileges. */
let serverKey: Account;

async function register(name: string): Promise<Account> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${name}@example.com`, password: 'correct horse battery', username: name } });
  expect(res.status).toBe(201);
  const user = (await res.json()) as { id: string; access_token: string };
  const created = await s.fetch('/api/auth/api-keys', { method: 'POST', token: user.access_token, json: { name: 'echohelix', scopes: RUN_SCOPES } });
  expect(created.status).toBe(201);
  const workspace = path.join(s.dataDir, 'workspaces', 'users', user.id, 'repo');
  fs.mkdirSync(workspace, { recursive: true });
  return { id: user.id, key: ((await created.json()) as { key: string }).key, workspace };
}

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
  alice = await register('alice');
  bob = await register('bob');
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'ops', scopes: RUN_SCOPES } });
  expect(res.status).toBe(201);
  const workspace = path.join(s.dataDir, 'workspaces', 'ops');
  fs.mkdirSync(workspace, { recursive: true });
  serverKey = { id: 'admin', key: ((await res.json()) as { key: string }).key, workspace };
}, 120_000);
afterAll(() => s?.close());

function submit(who: Account, body: Record<string, unknown>, base = '') {
  return s.fetch(`${base}/api/v3/runs`, { method: 'POST', token: who.key, json: { workspace_id: 'repo', workspace_path: who.workspace, backend: 'scripted', ...body } });
}

async function submitted(who: Account, prompt: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await submit(who, { prompt, ...extra });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { run_id: string }).run_id;
}

const getRun = async (who: Account, id: string, base = '') => {
  const res = await s.fetch(`${base}/api/v3/runs/${id}`, { token: who.key });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
};

async function waitForRun(who: Account, id: string, done: (run: Record<string, any>) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(who, id);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const finished = (who: Account, id: string) => waitForRun(who, id, (r) => r.terminal.is_terminal);

/** Reads a run's WebSocket until the server closes it: every message, and the close code. */
function follow(pathname: string, token?: string): Promise<{ messages: EventV2[]; code: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}${pathname}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const messages: EventV2[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as EventV2));
    ws.on('close', (code) => resolve({ messages, code }));
    ws.on('error', reject);
  });
}

function expectValidEvents(runId: string, messages: EventV2[]) {
  for (const m of messages) {
    expect(validateEvent(m), `${JSON.stringify(m)}: ${JSON.stringify(validateEvent.errors)}`).toBe(true);
    expect(m).toMatchObject({ run_id: runId, schema_version: 'v2', backend: 'scripted' });
    expect(new Date(m.ts).toISOString()).toBe(m.ts);
    if (m.type === 'status' || m.type === 'done') expect(m.channel).toBe('system');
    if (m.type === 'token') {
      expect(['working', 'final']).toContain(m.channel);
      expect(m.role).toBe('assistant');
    }
    if (m.type === 'error') expect(m.compat?.is_error).toBe(true);
  }
}

const lastSeq = async (who: Account, id: string) => (await follow(`/api/v3/runs/${id}/events`, who.key)).messages.at(-1)!.seq;

describe('POST /api/v3/runs', () => {
  it('answers 202 with the stream url; the run ends completed, and GET shows the submission', async () => {
    const res = await submit(alice, { prompt: '::say hello there from the agent', context: { ticket: 42 }, options: { schema_version: 'v2' } });
    expect(res.status).toBe(202);
    const body = await res.json();
    // The status as of the answer: the engine may already have picked the run up.
    expect(body).toEqual({ run_id: expect.stringMatching(/^run_/), status: expect.stringMatching(/^(queued|running|completed)$/), stream_url: `/api/v3/runs/${body.run_id}/events`, created_at: expect.any(String) });

    const run = await finished(alice, body.run_id);
    expect(run).toMatchObject({
      run_id: body.run_id,
      workspace_id: 'repo',
      workspace_path: fs.realpathSync(alice.workspace),
      backend: 'scripted',
      prompt: '::say hello there from the agent',
      context: { ticket: 42 },
      options: { model: 'default', sandbox: 'workspace-write', schema_version: 'v2' },
      attachments: [],
      status: 'completed',
      error: null,
      terminal: { is_terminal: true, outcome: 'completed', reason_code: 'success' },
    });
  });

  it('an unknown backend is 400 naming backend; a model the backend lacks, 400 naming options.model; a missing workspace_id, 400', async () => {
    const unknown = await submit(alice, { prompt: 'hi', backend: 'nope' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toContain('backend');
    const model = await submit(alice, { prompt: 'hi', options: { model: 'gpt-9' } });
    expect(model.status).toBe(400);
    expect((await model.json()).error).toContain('options.model');
    const missing = await s.fetch('/api/v3/runs', { method: 'POST', token: alice.key, json: { workspace_path: alice.workspace, backend: 'scripted', prompt: 'hi' } });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toContain('workspace_id');
  });

  it('the bootstrap token gets 403 on submit, read, cancel and the stream', async () => {
    const id = await submitted(alice, '::say ok');
    const post = await s.fetch('/api/v3/runs', { method: 'POST', token: s.adminToken, json: { workspace_id: 'w', workspace_path: serverKey.workspace, backend: 'scripted', prompt: 'hi' } });
    expect(post.status).toBe(403);
    expect((await post.json()).error).toContain('missing scope: runs:submit');
    expect((await s.fetch(`/api/v3/runs/${id}`, { token: s.adminToken })).status).toBe(403);
    expect((await s.fetch(`/api/v3/runs/${id}/cancel`, { method: 'POST', token: s.adminToken })).status).toBe(403);
    expect((await upgradeAnswer(`${s.url.replace(/^http/, 'ws')}/api/v3/runs/${id}/events?access_token=${s.adminToken}`)).status).toBe(403);
    await finished(alice, id);
  });

  it('during an emergency stop it is 503 EMERGENCY_STOP_ACTIVE', async () => {
    const stop = await s.fetch('/api/trpc/emergency.stop', { method: 'POST', token: s.adminToken, json: { reason: 'drill' } });
    expect(stop.status).toBe(200);
    try {
      const res = await submit(alice, { prompt: 'hi' });
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.code).toBe('EMERGENCY_STOP_ACTIVE');
      expect(body.error).toContain('emergency_stop_active');
    } finally {
      expect((await s.fetch('/api/trpc/emergency.resume?batch=1', { method: 'POST', token: s.adminToken, json: {} })).status).toBe(200);
    }
  });
});

describe('GET /api/v3/runs/{run_id}/events (WebSocket)', () => {
  it('streams Event v2 to done, every message valid, seqs the canonical ones; from_seq resumes exactly', async () => {
    const id = await submitted(alice, '::say thinking about it\n::tool read_file {"path":"missing.txt"}\n::say the answer is 42');
    const { messages, code } = await follow(`/api/v3/runs/${id}/events`, alice.key);
    expect(code).toBe(1000);
    expectValidEvents(id, messages);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    expect(messages.some((m) => m.type === 'status' && m.compat?.status === 'running')).toBe(true);
    expect(messages.filter((m) => m.type === 'token' && m.channel === 'working').map((m) => m.compat?.text).join('')).toContain('thinking about it');
    expect(messages.find((m) => m.type === 'token' && m.channel === 'final')?.compat?.text).toBe('the answer is 42');
    expect(messages.some((m) => m.type === 'tool_call')).toBe(true);
    expect(messages.some((m) => m.type === 'tool_result')).toBe(true);
    expect(messages.at(-1)).toMatchObject({ type: 'done', channel: 'system', compat: { status: 'completed', is_error: false } });

    // One message per canonical event, with its seq: the canonical socket of the same run agrees.
    const canonical = await follow(`/api/v1/runs/${id}/events/ws`, alice.key);
    expect(messages.map((m) => [m.seq, m.source])).toEqual(canonical.messages.map((m) => [m.seq, (m as unknown as { type: string }).type]));

    const n = Math.ceil(messages.length / 2);
    const resumed = await follow(`/api/v3/runs/${id}/events?from_seq=${n}`, alice.key);
    expect(resumed.messages).toEqual(messages.filter((m) => m.seq >= n));
    const past = await follow(`/api/v3/runs/${id}/events?from_seq=${messages.length + 1}`, alice.key);
    expect(past).toEqual({ messages: [], code: 1000 });
  });

  it('authenticates by ?access_token= and ?token= as well as the header', async () => {
    const id = await submitted(alice, '::say ok');
    for (const query of ['access_token', 'token']) {
      const { messages } = await follow(`/api/v3/runs/${id}/events?${query}=${alice.key}`);
      expect(messages.at(-1)?.type).toBe('done');
    }
    expect((await upgradeAnswer(`${s.url.replace(/^http/, 'ws')}/api/v3/runs/${id}/events`)).status).toBe(401);
  });

  it('a failed run ends with done carrying the error (compat.is_error); GET says failed / backend_error', async () => {
    const id = await submitted(alice, '::say starting\n::fail the backend exploded');
    const { messages } = await follow(`/api/v3/runs/${id}/events`, alice.key);
    expectValidEvents(id, messages);
    expect(messages.at(-1)).toMatchObject({ type: 'done', compat: { status: 'failed', is_error: true, text: expect.stringContaining('the backend exploded') } });
    const run = await getRun(alice, id);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('the backend exploded'), terminal: { is_terminal: true, outcome: 'failed', reason_code: 'backend_error' } });
  });
});

describe('POST /api/v3/runs/{run_id}/cancel', () => {
  it('cancels a running run; cancelling it again is 400 naming its status and appends nothing', async () => {
    const id = await submitted(alice, '::say working\n::sleep 60000\n::say never');
    await waitForRun(alice, id, (r) => r.status === 'running');
    const res = await s.fetch(`/api/v3/runs/${id}/cancel`, { method: 'POST', token: alice.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ run_id: id, status: 'cancelled' });
    const run = await finished(alice, id);
    expect(run).toMatchObject({ status: 'cancelled', terminal: { is_terminal: true, outcome: 'cancelled', reason_code: 'cancelled_by_user' } });

    const { messages } = await follow(`/api/v3/runs/${id}/events`, alice.key);
    expectValidEvents(id, messages);
    expect(messages.some((m) => m.type === 'status' && m.compat?.status === 'cancelling')).toBe(true);
    expect(messages.at(-1)).toMatchObject({ type: 'done', compat: { status: 'cancelled' } });

    const again = await s.fetch(`/api/v3/runs/${id}/cancel`, { method: 'POST', token: alice.key });
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe('run is already cancelled');
    expect(await lastSeq(alice, id)).toBe(messages.at(-1)!.seq);
    expect((await getRun(alice, id)).status).toBe('cancelled');
  });

  it('a completed run: 400 `run is already completed`', async () => {
    const id = await submitted(alice, '::say done');
    await finished(alice, id);
    const res = await s.fetch(`/api/v3/runs/${id}/cancel`, { method: 'POST', token: alice.key });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('run is already completed');
  });

  it("an unknown run, or another owner's, is 404 on cancel, GET and the stream", async () => {
    const id = await submitted(alice, '::say mine');
    for (const runId of [id, 'run_unknown']) {
      expect((await s.fetch(`/api/v3/runs/${runId}/cancel`, { method: 'POST', token: bob.key })).status).toBe(404);
      expect((await s.fetch(`/api/v3/runs/${runId}`, { token: bob.key })).status).toBe(404);
      expect((await upgradeAnswer(`${s.url.replace(/^http/, 'ws')}/api/v3/runs/${runId}/events?access_token=${bob.key}`)).status).toBe(404);
    }
    expect((await finished(alice, id)).status).toBe('completed');
  });
});

describe('options.sandbox', () => {
  const script = '::tool write_file {"path":"written.txt","content":"hi"}\n::tool bash {"command":"echo ran > ran.txt"}\n::say finished anyway';
  const deniedResults = (messages: EventV2[]) => messages.filter((m) => m.type === 'tool_result' && m.payload?.denied === true);

  it('read-only: the write and the command are denied, reported in the stream, and the run still completes', async () => {
    const id = await submitted(alice, script, { options: { sandbox: 'read-only' } });
    const { messages } = await follow(`/api/v3/runs/${id}/events`, alice.key);
    expectValidEvents(id, messages);
    const denied = deniedResults(messages);
    expect(denied.map((m) => m.payload?.tool_name)).toEqual(['write_file', 'bash']);
    expect(denied.every((m) => m.compat?.is_error === true)).toBe(true);
    expect(messages.at(-1)).toMatchObject({ type: 'done', compat: { status: 'completed' } });
    expect(fs.existsSync(path.join(alice.workspace, 'written.txt'))).toBe(false);
    expect(fs.existsSync(path.join(alice.workspace, 'ran.txt'))).toBe(false);
    expect(await getRun(alice, id)).toMatchObject({ options: { sandbox: 'read-only' }, terminal: { outcome: 'completed' } });
  });

  it('workspace-write (the default): the write runs, the command is denied, nothing waits for approval', async () => {
    const id = await submitted(alice, script);
    const { messages } = await follow(`/api/v3/runs/${id}/events`, alice.key);
    expect(deniedResults(messages).map((m) => m.payload?.tool_name)).toEqual(['bash']);
    expect(messages.some((m) => m.payload?.event === 'approval_requested')).toBe(false);
    expect(fs.readFileSync(path.join(alice.workspace, 'written.txt'), 'utf8')).toBe('hi');
    expect(fs.existsSync(path.join(alice.workspace, 'ran.txt'))).toBe(false);
    fs.rmSync(path.join(alice.workspace, 'written.txt'));
  });

  it("danger-full-access: a user's key is refused with 403; the server's own key runs the command without approval", async () => {
    const refused = await submit(alice, { prompt: script, options: { sandbox: 'danger-full-access' } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toContain('options.sandbox');

    const id = await submitted(serverKey, script, { options: { sandbox: 'danger-full-access' } });
    const { messages } = await follow(`/api/v3/runs/${id}/events`, serverKey.key);
    expect(deniedResults(messages)).toEqual([]);
    expect(messages.at(-1)).toMatchObject({ type: 'done', compat: { status: 'completed' } });
    expect(fs.readFileSync(path.join(serverKey.workspace, 'ran.txt'), 'utf8')).toBe('ran\n');
  });
});

describe('context.attachments', () => {
  async function upload(who: Account, text: string, name = 'notes.md'): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([text], { type: 'text/markdown' }), name);
    const res = await s.fetch('/api/v3/files', { method: 'POST', token: who.key, body: form });
    expect(res.status).toBe(201);
    return ((await res.json()) as { file_id: string }).file_id;
  }

  it("copies the caller's uploaded file into the workspace; GET lists it with a path that exists", async () => {
    const text = '# the spec\n';
    const fileId = await upload(alice, text);
    const id = await submitted(alice, '::say read it', { context: { attachments: [{ file_id: fileId, alias: 'spec.md' }] } });
    const run = await getRun(alice, id);
    const sha256 = createHash('sha256').update(text).digest('hex');
    expect(run.attachments).toEqual([{ file_id: fileId, alias: 'spec.md', path: expect.any(String), size_bytes: text.length, sha256 }]);
    const copy = run.attachments[0].path as string;
    expect(copy).toBe(path.join(fs.realpathSync(alice.workspace), '.echohelix', 'attachments', id, 'spec.md'));
    expect(fs.readFileSync(copy, 'utf8')).toBe(text);
    expect(run.prompt).toBe('::say read it');
    expect(run.context).toEqual({ attachments: [{ file_id: fileId, alias: 'spec.md' }] });
    await finished(alice, id);
  });

  it("another owner's file, or an alias that is not a plain file name, is 400 naming the field; nothing is created", async () => {
    const bobs = await upload(bob, 'secret');
    const mine = await upload(alice, 'mine');
    const cases: Array<[Record<string, string>, string]> = [
      [{ file_id: bobs, alias: 'x.md' }, 'context.attachments[0].file_id'],
      [{ file_id: 'file_unknown', alias: 'x.md' }, 'context.attachments[0].file_id'],
      [{ file_id: mine, alias: '../escape.md' }, 'context.attachments[0].alias'],
      [{ file_id: mine, alias: '..' }, 'context.attachments[0].alias'],
    ];
    const before = await (await s.fetch('/v1/runs', { token: alice.key })).json();
    for (const [attachment, field] of cases) {
      const res = await submit(alice, { prompt: 'hi', context: { attachments: [attachment] } });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toContain(field);
    }
    expect(await (await s.fetch('/v1/runs', { token: alice.key })).json()).toHaveLength(before.length);
    expect(fs.existsSync(path.join(alice.workspace, 'escape.md'))).toBe(false);
  });
});

describe('interop and base path', () => {
  it("an EchoHelix run is agentd's run too: GET /v1/runs/{run_id}", async () => {
    const id = await submitted(alice, '::say shared');
    await finished(alice, id);
    const res = await s.fetch(`/v1/runs/${id}`, { token: alice.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: 'succeeded', model_canonical: 'scripted:default' });
  });

  it('every route answers under /echohelix', async () => {
    const res = await submit(alice, { prompt: '::say based' }, '/echohelix');
    expect(res.status).toBe(202);
    const { run_id: id, stream_url: streamUrl } = await res.json();
    const { messages } = await follow(`/echohelix${streamUrl}`, alice.key);
    expect(messages.at(-1)?.type).toBe('done');
    expect(await getRun(alice, id, '/echohelix')).toMatchObject({ run_id: id, status: 'completed' });
    const cancel = await s.fetch(`/echohelix/api/v3/runs/${id}/cancel`, { method: 'POST', token: alice.key });
    expect(cancel.status).toBe(400);
  });
});

describe('POST /api/v3/runs over the daily quota', () => {
  let q: TestServer;
  beforeAll(async () => {
    q = await startTestServer({ SIGNUP_ENABLED: '1', DAILY_TOKEN_QUOTA: 'scripted:100' });
  }, 120_000);
  afterAll(() => q?.close());

  it('a run that exhausts the quota mid-way gets an error event and fails with policy_denied; the next submission is refused with 429 QUOTA_EXCEEDED', async () => {
    const keyRes = await q.fetch('/v1/auth/keys', { method: 'POST', token: q.adminToken, json: { name: 'ops', scopes: RUN_SCOPES } });
    const key = ((await keyRes.json()) as { key: string }).key;
    const workspace = path.join(q.dataDir, 'workspaces', 'ops');
    fs.mkdirSync(workspace, { recursive: true });
    const body = { workspace_id: 'ops', workspace_path: workspace, backend: 'scripted', prompt: '::usage 80 80\n::tool read_file {"path":"x"}\n::say never said' };
    const first = await q.fetch('/api/v3/runs', { method: 'POST', token: key, json: body });
    expect(first.status).toBe(202);
    const { run_id: id, stream_url: streamUrl } = (await first.json()) as { run_id: string; stream_url: string };
    const messages = await new Promise<EventV2[]>((resolve, reject) => {
      const ws = new WebSocket(`${q.url.replace(/^http/, 'ws')}${streamUrl}?token=${key}`);
      const received: EventV2[] = [];
      ws.on('message', (data) => received.push(JSON.parse(data.toString()) as EventV2));
      ws.on('close', () => resolve(received));
      ws.on('error', reject);
    });
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ channel: 'system', compat: { is_error: true, text: expect.stringContaining('quota') } });
    expect(messages.at(-1)).toMatchObject({ type: 'done', compat: { status: 'failed' } });
    const run = await (await q.fetch(`/api/v3/runs/${id}`, { token: key })).json();
    expect(run).toMatchObject({ status: 'failed', terminal: { is_terminal: true, outcome: 'failed', reason_code: 'policy_denied' } });

    const refused = await q.fetch('/api/v3/runs', { method: 'POST', token: key, json: body });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
