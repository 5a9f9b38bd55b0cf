import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { dataOf, openSse } from '@/server/testing/sse-client';

const LIMIT = 64 * 1024;
let s: TestServer;
let workspace: string;

beforeAll(async () => {
  s = await startTestServer({ MAX_UPLOAD_BYTES: String(LIMIT) });
  workspace = path.join(s.dataDir, 'workspaces', 'chat');
  fs.mkdirSync(workspace, { recursive: true });
});
afterAll(() => s.close());

const post = (p: string, json?: unknown) => s.fetch(p, { method: 'POST', token: s.adminToken, ...(json === undefined ? {} : { json }) });
const get = async (p: string) => (await (await s.fetch(p, { token: s.adminToken })).json()) as any;

async function newSession(extra: Record<string, unknown> = {}) {
  const res = await post('/v1/sessions', { workspace_path: workspace, ...extra });
  expect(res.status).toBe(200);
  return (await res.json()) as { session_id: string; spec_path?: string };
}

async function say(id: string, text: string) {
  const res = await post(`/v1/sessions/${id}/messages`, { role: 'user', parts: [{ type: 'text', text }] });
  expect(res.status).toBe(200);
  return (await res.json()) as { message_id: string; turn_id: string };
}

async function waitForTurn(id: string, turnId: string, statuses: string[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await get(`/v1/sessions/${id}`);
    const turn = session.turns.find((t: any) => t.id === turnId);
    if (turn && statuses.includes(turn.status)) return session;
    if (Date.now() > deadline) throw new Error(`turn ${turnId} is ${turn?.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agentd sessions', () => {
  it('POST /v1/sessions/{session_id}/messages starts a turn whose answer streams over SSE', async () => {
    const { session_id: id } = await newSession({ system_prompt: 'be brief' });
    expect(id).toMatch(/^sess_/);
    const sse = await openSse(`${s.url}/v1/sessions/${id}/events`, { authorization: `Bearer ${s.adminToken}` });
    const { message_id, turn_id } = await say(id, 'hello there');
    expect(message_id).toMatch(/^msg_/);
    await sse.waitFor((f) => dataOf(f).type === 'turn_completed');
    sse.close();
    const events = sse.frames.map(dataOf);
    expect(events[0]).toMatchObject({ type: 'session_created', session_id: id });
    expect(events.filter((e) => e.type === 'model_output_delta').map((e) => (e.data as any).text).join('')).toBe('echo: hello there');
    expect(events.find((e) => e.type === 'turn_started')).toMatchObject({ turn_id });
    const session = await waitForTurn(id, turn_id, ['succeeded']);
    expect(session).toMatchObject({ id, mode: 'chat', system_prompt: 'be brief', status: 'completed', last_turn_id: turn_id, workspace_path: workspace });
    expect(session.messages.map((m: any) => [m.role, m.parts[0].text])).toEqual([
      ['user', 'hello there'],
      ['assistant', 'echo: hello there'],
    ]);
    const list = await get('/v1/sessions');
    expect(list[0].id).toBe(id);
  });

  it('POST /v1/sessions/{session_id}/approve runs a gated tool call; a second approve is 409', async () => {
    const { session_id: id } = await newSession();
    const { turn_id } = await say(id, '::tool write_file {"path":"notes/a.txt","content":"written"}\n::say saved it');
    const waiting = await waitForTurn(id, turn_id, ['waiting_approval']);
    expect(waiting.status).toBe('waiting_approval');
    const events = (await openSse(`${s.url}/v1/sessions/${id}/events`, { authorization: `Bearer ${s.adminToken}` }));
    const asked = dataOf(await events.waitFor((f) => dataOf(f).type === 'approval_requested'));
    events.close();
    expect(asked).toMatchObject({ turn_id, data: { tool_name: 'write_file' } });
    const toolCallId = (asked.data as any).tool_call_id;
    const res = await post(`/v1/sessions/${id}/approve`, { turn_id, tool_call_id: toolCallId, action: 'approve', reason: 'ok' });
    expect(await res.json()).toEqual({ ok: true });
    const done = await waitForTurn(id, turn_id, ['succeeded']);
    expect(fs.readFileSync(path.join(workspace, 'notes/a.txt'), 'utf8')).toBe('written');
    expect(done.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(done.messages[1].parts[0]).toMatchObject({ type: 'tool_use', tool_name: 'write_file', tool_call_id: toolCallId });
    expect((await post(`/v1/sessions/${id}/approve`, { tool_call_id: toolCallId })).status).toBe(409);
    expect((await post(`/v1/sessions/${id}/approve`, { tool_call_id: 'call_unknown' })).status).toBe(404);
    expect((await post(`/v1/sessions/${id}/approve`, {})).status).toBe(400);
  });

  it('POST /v1/sessions/{session_id}/cancel ends a running turn; POST …/turns/{turn_id}/retry runs it again', async () => {
    const { session_id: id } = await newSession();
    const { turn_id } = await say(id, '::sleep 30000\n::say late');
    await waitForTurn(id, turn_id, ['running']);
    const started = Date.now();
    expect(await (await post(`/v1/sessions/${id}/cancel`)).json()).toEqual({ ok: true });
    const canceled = await waitForTurn(id, turn_id, ['failed'], 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(canceled.turns[0].error).toContain('cancel');
    expect((await post(`/v1/sessions/${id}/cancel`)).status).toBe(409);

    const { turn_id: failing } = await say(id, '::fail flaky');
    const failed = await waitForTurn(id, failing, ['failed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('flaky');
    const retried = await post(`/v1/sessions/${id}/turns/${failing}/retry`);
    const body = (await retried.json()) as { ok: boolean; turn_id: string };
    expect(body.ok).toBe(true);
    expect(body.turn_id).not.toBe(failing);
    await waitForTurn(id, body.turn_id, ['failed']);
    const done = await waitForTurn(id, body.turn_id, ['failed']);
    expect(done.turns.map((t: any) => t.id)).toContain(body.turn_id);
  });

  it('POST /v1/sessions/{session_id}/mode switches to spec mode and drafts a spec', async () => {
    const { session_id: id } = await newSession();
    const res = await post(`/v1/sessions/${id}/mode`, { mode: 'spec' });
    const body = await res.json();
    expect(body).toEqual({ session_id: id, mode: 'spec', spec_path: path.join(workspace, 'specs', `session-${id}`, 'spec.md') });
    expect(fs.existsSync(body.spec_path)).toBe(true);
    expect((await post(`/v1/sessions/${id}/mode`, { mode: 'poetry' })).status).toBe(400);
    const created = await newSession({ mode: 'spec' });
    expect(created.spec_path).toBe(path.join(workspace, 'specs', `session-${created.session_id}`, 'spec.md'));
  });

  it('POST /v1/sessions/{session_id}/attachments takes multipart or base64 JSON; over MAX_UPLOAD_BYTES is 413', async () => {
    const { session_id: id } = await newSession();
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('89504e47', 'hex')], { type: 'image/png' }), 'ui.png');
    const multipart = await s.fetch(`/v1/sessions/${id}/attachments`, { method: 'POST', token: s.adminToken, body: form });
    expect(multipart.status).toBe(200);
    expect(await multipart.json()).toEqual({ ref: 'attachments/ui.png', mime_type: 'image/png' });
    const json = await post(`/v1/sessions/${id}/attachments`, { name: 'ui.png', mime_type: 'image/png', content_base64: Buffer.from('second').toString('base64') });
    expect(await json.json()).toEqual({ ref: 'attachments/ui-1.png', mime_type: 'image/png' });
    expect(fs.readFileSync(path.join(workspace, 'attachments/ui-1.png'), 'utf8')).toBe('second');

    const big = new FormData();
    big.append('file', new Blob([Buffer.alloc(LIMIT + 1)]), 'big.bin');
    const tooBig = await s.fetch(`/v1/sessions/${id}/attachments`, { method: 'POST', token: s.adminToken, body: big });
    expect(tooBig.status).toBe(413);
    expect(fs.existsSync(path.join(workspace, 'attachments/big.bin'))).toBe(false);

    // The ref works as an image part.
    const msg = await post(`/v1/sessions/${id}/messages`, { role: 'user', parts: [{ type: 'text', text: 'look' }, { type: 'image', ref: 'attachments/ui.png', mime_type: 'image/png' }] });
    expect(msg.status).toBe(200);
    const bad = await post(`/v1/sessions/${id}/messages`, { role: 'user', parts: [{ type: 'image', ref: '../../admin-token' }] });
    expect(bad.status).toBe(400);
  });

  it('POST /v1/sessions validates its input', async () => {
    expect((await post('/v1/sessions', {})).status).toBe(400);
    expect((await post('/v1/sessions', { workspace_path: '/etc' })).status).toBe(400);
    expect((await post('/v1/sessions/sess_nope/messages', { role: 'user', parts: [{ type: 'text', text: 'x' }] })).status).toBe(404);
    const { session_id: id } = await newSession();
    expect((await post(`/v1/sessions/${id}/messages`, { parts: [{ type: 'text', text: 'x' }] })).status).toBe(400);
  });
});

describe('agentd specs and models', () => {
  it('POST /v1/specs/generate writes the spec; overwrite false never clobbers', async () => {
    const res = await post('/v1/specs/generate', { workspace_path: workspace, spec_name: 'my-feature', prompt: 'Add a CLI command' });
    expect(res.status).toBe(200);
    const body = await res.json();
    const file = path.join(workspace, 'specs', 'my-feature', 'spec.md');
    expect(body.spec_path).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(body.content);
    expect(body.content).toContain('Add a CLI command');
    const again = await post('/v1/specs/generate', { workspace_path: workspace, spec_name: 'my-feature', prompt: 'other', overwrite: false });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('spec already exists');
    expect(fs.readFileSync(file, 'utf8')).toBe(body.content);
    const over = await post('/v1/specs/generate', { workspace_path: workspace, spec_name: 'my-feature', prompt: 'replaced', overwrite: true });
    expect((await over.json()).content).toContain('replaced');
    expect((await post('/v1/specs/generate', { workspace_path: workspace, spec_name: 'bad name!', prompt: 'x' })).status).toBe(400);
  });

  it('GET /v1/models, GET|POST /v1/model-policy', async () => {
    const models = await get('/v1/models');
    expect(models.models.some((m: any) => m.id === 'scripted:default')).toBe(true);
    expect(models.policy).toEqual({ require_tools: false, require_vision: false, max_cost_usd: null, preferred_models: [] });
    const set = await post('/v1/model-policy', { require_tools: false, require_vision: false, max_cost_usd: 5, preferred_models: ['scripted:default'] });
    expect(await set.json()).toMatchObject({ max_cost_usd: 5, preferred_models: ['scripted:default'] });
    expect(await get('/v1/model-policy')).toMatchObject({ max_cost_usd: 5 });
    expect((await post('/v1/model-policy', { preferred_models: ['no-colon'] })).status).toBe(400);
  });
});
