import fs from 'node:fs';
import path from 'node:path';
import { WebSocket, type ClientOptions } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeAnswer } from '@/server/testing/ws-client';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { MAX_INCOMING_FRAME_BYTES } from './upgrade';

interface EventMessage {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

let s: TestServer;
let wsBase: string;
let workspace: string;
let readerKey: string;
let sessionsOnlyKey: string;

async function createKey(scopes: string[]): Promise<string> {
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: scopes.join(' '), scopes } });
  expect(res.status).toBe(201);
  return (await res.json()).key;
}

beforeAll(async () => {
  s = await startTestServer();
  wsBase = s.url.replace(/^http/, 'ws');
  workspace = path.join(s.dataDir, 'workspaces', 'repo');
  fs.mkdirSync(workspace, { recursive: true });
  readerKey = await createKey(['runs:read']);
  sessionsOnlyKey = await createKey(['sessions:read']);
});
afterAll(() => s.close());

async function startScriptedRun(prompt = '::say hello\n::sleep 300\n::say done'): Promise<string> {
  const res = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, prompt } });
  expect(res.status).toBe(200);
  return (await res.json()).run_id;
}

const eventsPath = (runId: string) => `/api/v1/runs/${runId}/events/ws`;

/** A real `ws` client that records every message and how the socket closed. */
function follow(pathAndQuery: string, opts: ClientOptions = {}) {
  const ws = new WebSocket(`${wsBase}${pathAndQuery}`, opts);
  const messages: EventMessage[] = [];
  const waiters: Array<{ pred: (m: EventMessage) => boolean; resolve: () => void }> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as EventMessage;
    messages.push(message);
    for (const w of waiters.filter((w) => w.pred(message))) w.resolve();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
    ws.on('error', reject);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    opened,
    closed,
    waitFor: (pred: (m: EventMessage) => boolean) =>
      new Promise<void>((resolve) => (messages.some(pred) ? resolve() : waiters.push({ pred, resolve }))),
  };
}

/** An upgrade the server refuses: the HTTP status and JSON body it answered with. */
async function refusal(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await upgradeAnswer(`${wsBase}${pathAndQuery}`, headers);
  if (answer.status === 101) throw new Error('the upgrade was accepted');
  expect(answer.headers['content-type']).toContain('application/json');
  return { status: answer.status, body: JSON.parse(answer.text) };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

function expectCanonicalEvents(messages: EventMessage[]) {
  for (const m of messages) {
    expect(Object.keys(m).sort()).toEqual(['created_at', 'data', 'seq', 'type']);
    expect(new Date(m.created_at).toISOString()).toBe(m.created_at);
  }
}

describe('GET /api/v1/runs/{run_id}/events/ws', () => {
  it('follows a scripted run to its terminal event, one {seq, type, data, created_at} message per event, then closes with 1000', async () => {
    const runId = await startScriptedRun();
    const stream = follow(eventsPath(runId), bearer(readerKey));
    const { code } = await stream.closed;
    expect(code).toBe(1000);
    expectCanonicalEvents(stream.messages);
    expect(stream.messages.map((m) => m.seq)).toEqual(stream.messages.map((_, i) => i + 1));
    const types = stream.messages.map((m) => m.type);
    expect(types[0]).toBe('run_created');
    expect(types.at(-1)).toBe('run_succeeded');
    const said = stream.messages.filter((m) => m.type === 'model_output_delta').map((m) => (m.data as { text: string }).text);
    expect(said.join('')).toContain('hello');
    expect(said.join('')).toContain('done');
  });

  it('sends every client following one run byte-identical messages', async () => {
    const runId = await startScriptedRun();
    const raw = () =>
      new Promise<string[]>((resolve, reject) => {
        const ws = new WebSocket(`${wsBase}${eventsPath(runId)}`, bearer(readerKey));
        const texts: string[] = [];
        ws.on('message', (data) => texts.push(String(data)));
        ws.on('close', () => resolve(texts));
        ws.on('error', reject);
      });
    const clients = await Promise.all(Array.from({ length: 5 }, raw));
    expect(clients[0]!.length).toBeGreaterThan(3);
    for (const texts of clients) expect(texts).toEqual(clients[0]);
  });

  it('resumes after a dropped socket with from_seq = last seen + 1 and gets every event exactly once', async () => {
    const runId = await startScriptedRun();
    const first = follow(eventsPath(runId), bearer(readerKey));
    await first.waitFor((m) => JSON.stringify(m.data).includes('hello'));
    first.ws.terminate(); // the network drops: no close handshake
    await first.closed;
    const seen = [...first.messages];
    expect(seen.at(-1)!.type).not.toBe('run_succeeded');

    const second = follow(`${eventsPath(runId)}?from_seq=${seen.at(-1)!.seq + 1}`, bearer(readerKey));
    expect((await second.closed).code).toBe(1000);
    const all = [...seen, ...second.messages];
    expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.at(-1)!.type).toBe('run_succeeded');
    expect(JSON.stringify(second.messages)).toContain('done');

    // The same cursor again replays exactly the same events.
    const replay = follow(`${eventsPath(runId)}?from_seq=${seen.at(-1)!.seq + 1}`, bearer(readerKey));
    await replay.closed;
    expect(replay.messages).toEqual(second.messages);
  });

  it('from_seq past the end of a finished run closes at once with 1000 and sends nothing', async () => {
    const runId = await startScriptedRun('::say quick');
    const whole = follow(eventsPath(runId), bearer(readerKey));
    await whole.closed;
    const past = follow(`${eventsPath(runId)}?from_seq=${whole.messages.at(-1)!.seq + 1}`, bearer(readerKey));
    expect((await past.closed).code).toBe(1000);
    expect(past.messages).toEqual([]);
  });

  it('accepts the credential as ?access_token= and ?token= (browsers cannot set headers on a WebSocket)', async () => {
    const runId = await startScriptedRun('::say quick');
    for (const param of ['access_token', 'token']) {
      const stream = follow(`${eventsPath(runId)}?${param}=${encodeURIComponent(readerKey)}`);
      expect((await stream.closed).code).toBe(1000);
      expect(stream.messages.at(-1)!.type).toBe('run_succeeded');
    }
  });

  it('refuses the upgrade with 401 and the error envelope without a credential, or with a wrong one', async () => {
    const runId = await startScriptedRun('::say quick');
    for (const headers of [{}, { authorization: 'Bearer not-a-key' }] as Array<Record<string, string>>) {
      const { status, body } = await refusal(eventsPath(runId), headers);
      expect(status).toBe(401);
      expect(body).toMatchObject({ statusCode: 401, status: 401, code: 'UNAUTHORIZED' });
    }
    expect((await refusal(`${eventsPath(runId)}?access_token=not-a-key`)).status).toBe(401);
  });

  it('refuses the upgrade with 403 for a key without runs:read', async () => {
    const runId = await startScriptedRun('::say quick');
    const { status, body } = await refusal(eventsPath(runId), { authorization: `Bearer ${sessionsOnlyKey}` });
    expect(status).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    expect(body.error).toContain('missing scope: runs:read');
  });

  it('refuses the upgrade with 404 for an unknown run', async () => {
    const { status, body } = await refusal(eventsPath('run_doesnotexist'), { authorization: `Bearer ${readerKey}` });
    expect(status).toBe(404);
    expect(body).toMatchObject({ statusCode: 404, code: 'RUN_NOT_FOUND' });
  });

  it('refuses the upgrade with 400 naming from_seq for from_seq=abc', async () => {
    const runId = await startScriptedRun('::say quick');
    const { status, body } = await refusal(`${eventsPath(runId)}?from_seq=abc`, { authorization: `Bearer ${readerKey}` });
    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400 });
    expect(body.error).toContain('from_seq');
  });

  it('closes the socket with 1009 when the client sends a frame over the cap', async () => {
    const runId = await startScriptedRun('::sleep 2000');
    const stream = follow(eventsPath(runId), bearer(readerKey));
    await stream.opened;
    stream.ws.send(Buffer.alloc(MAX_INCOMING_FRAME_BYTES + 1));
    expect((await stream.closed).code).toBe(1009);
  });

  it('ignores the session cookie on a cross-origin upgrade, so another site cannot open the stream as the user', async () => {
    const runId = await startScriptedRun('::say quick');
    const cookie = `access_token=${readerKey}`;
    const crossSite = await refusal(eventsPath(runId), { cookie, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(401);
    const sameSite = follow(eventsPath(runId), { headers: { cookie, origin: s.url } });
    expect((await sameSite.closed).code).toBe(1000);
  });
});

describe('WebSocket upgrades at undeclared paths', () => {
  it('GET /v1/runs/{run_id}/events (an SSE path) and any other undeclared path refuse the upgrade with 404', async () => {
    for (const p of ['/v1/runs/run_x/events', '/nowhere', '/api/v1/runs/run_x/events/ws/extra']) {
      const { status, body } = await refusal(p, { authorization: `Bearer ${s.adminToken}` });
      expect(status).toBe(404);
      expect(body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
    }
  });

  it('a canonical stream is served at the root only, not under a dialect base path', async () => {
    const { status } = await refusal('/agentd/api/v1/runs/run_x/events/ws', { authorization: `Bearer ${s.adminToken}` });
    expect(status).toBe(404);
  });
});
