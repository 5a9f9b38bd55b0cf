import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { dataOf, openSse } from '@/server/testing/sse-client';

let s: TestServer;
let workspace: string;
const auth = () => ({ authorization: `Bearer ${s.adminToken}` });

beforeAll(async () => {
  s = await startTestServer();
  workspace = path.join(s.dataDir, 'workspaces', 'repo');
  fs.mkdirSync(workspace, { recursive: true });
});
afterAll(() => s.close());

function writeSpec(name: string, text: string): string {
  const file = path.join(workspace, 'specs', name, 'spec.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

async function createRun(spec: string) {
  const res = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, spec_path: spec } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { run_id: string }).run_id;
}

async function getRun(id: string) {
  return (await (await s.fetch(`/v1/runs/${id}`, { token: s.adminToken })).json()) as Record<string, any>;
}

async function waitForStatus(id: string, statuses: string[], timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(id);
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} is ${run.status}, expected ${statuses.join('|')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agentd runs', () => {
  it('POST /v1/runs with a spec: queued → running → waiting_approval → approved over REST → the command runs → succeeded, live over SSE', async () => {
    const spec = writeSpec('hello', '::say planning the change\n::tool bash {"command":"echo hi from bash > out.txt"}\n::say all done\n');
    const id = await createRun(spec);
    expect(id).toMatch(/^run_/);
    const sse = await openSse(`${s.url}/v1/runs/${id}/events`, auth());
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');

    const asked = dataOf(await sse.waitFor((f) => dataOf(f).type === 'approval_requested'));
    expect(asked).toMatchObject({ run_id: id, data: { tool_name: 'bash', command: 'echo hi from bash > out.txt' } });
    const waiting = await waitForStatus(id, ['waiting_approval']);
    const gated = waiting.steps.find((st: any) => st.status === 'waiting_approval');
    expect(gated).toMatchObject({ needs_approval: true, type: 'tool_call', command: 'echo hi from bash > out.txt' });
    expect(gated.id).toBe((asked.data as any).step_id);
    expect(fs.existsSync(path.join(workspace, 'out.txt'))).toBe(false);

    const approved = await s.fetch(`/v1/runs/${id}/approve`, { method: 'POST', token: s.adminToken, json: { step_id: gated.id } });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ ok: true });

    await sse.ended; // the stream closes after the terminal event
    const types = sse.frames.map((f) => dataOf(f).type);
    expect(types[0]).toBe('run_created');
    for (const t of ['run_started', 'model_output_delta', 'approval_requested', 'approval_granted', 'command_executed', 'run_succeeded']) expect(types).toContain(t);
    expect(types.at(-1)).toBe('run_succeeded');
    expect(types.indexOf('approval_granted')).toBeLessThan(types.indexOf('command_executed'));
    // Every frame has an id, and the ids are 1..n with no gaps.
    expect(sse.frames.map((f) => Number(f.id))).toEqual(sse.frames.map((_, i) => i + 1));
    expect(sse.frames.every((f) => f.event === 'message')).toBe(true);
    const executed = dataOf(sse.frames.find((f) => dataOf(f).type === 'command_executed')!);
    expect(executed.data).toMatchObject({ exit_code: 0 });

    expect(fs.readFileSync(path.join(workspace, 'out.txt'), 'utf8')).toBe('hi from bash\n');
    const done = await getRun(id);
    expect(done).toMatchObject({ status: 'succeeded', spec_path: spec, error: null, model_canonical: 'scripted:default' });
    expect(done.steps.map((st: any) => st.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const streamed = sse.frames.map(dataOf).filter((e) => e.type === 'model_output_delta').map((e) => (e.data as any).text).join('');
    expect(streamed).toBe('planning the changeall done');

    // A client that reconnects with Last-Event-ID receives exactly the events it missed.
    const cut = 4;
    const resumed = await openSse(`${s.url}/v1/runs/${id}/events`, { ...auth(), 'last-event-id': String(cut) });
    await resumed.ended;
    expect(resumed.frames.map((f) => f.id)).toEqual(sse.frames.slice(cut).map((f) => f.id));
    expect(resumed.frames.map((f) => f.data)).toEqual(sse.frames.slice(cut).map((f) => f.data));
    // from_seq is inclusive.
    const fromSeq = await openSse(`${s.url}/v1/runs/${id}/events?from_seq=${cut}`, auth());
    await fromSeq.ended;
    expect(fromSeq.frames[0]!.id).toBe(String(cut));
    // A reader that resumes after the finished run's last event has nothing to wait for: the stream ends at once.
    const past = await openSse(`${s.url}/v1/runs/${id}/events`, { ...auth(), 'last-event-id': sse.frames.at(-1)!.id! });
    await past.ended;
    expect(past.status).toBe(200);
    expect(past.frames).toEqual([]);

    // The export zip opens, and its events.ndjson equals the stream.
    const zip = await s.fetch(`/v1/runs/${id}/export`, { token: s.adminToken });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-disposition')).toBe(`attachment; filename="${id}.zip"`);
    const zipPath = path.join(s.dataDir, `${id}.zip`);
    fs.writeFileSync(zipPath, Buffer.from(await zip.arrayBuffer()));
    const listing = JSON.parse(
      execFileSync('python3', ['-c', 'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))', zipPath], { encoding: 'utf8' }),
    ) as Record<string, string>;
    expect(Object.keys(listing).sort()).toEqual(['artifacts/output.md', 'events.ndjson', 'run.json']);
    expect(listing['events.ndjson']!.trimEnd().split('\n')).toEqual(sse.frames.map((f) => f.data));
    expect(JSON.parse(listing['run.json']!)).toMatchObject({ id, status: 'succeeded' });
  });

  it('POST /v1/runs/{run_id}/cancel ends a sleeping run within 1 s', async () => {
    const id = await createRun(writeSpec('sleepy', '::say going to sleep\n::sleep 30000\n::say woke up\n'));
    await waitForStatus(id, ['running']);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const res = await s.fetch(`/v1/runs/${id}/cancel`, { method: 'POST', token: s.adminToken });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    await waitForStatus(id, ['canceled'], 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    const again = await s.fetch(`/v1/runs/${id}/cancel`, { method: 'POST', token: s.adminToken });
    expect(again.status).toBe(400);
    expect((await again.json()).error).toContain('already canceled');
  });

  it('a denied step is reported and the run still ends', async () => {
    const id = await createRun(writeSpec('deny', '::tool bash {"command":"rm -rf ."}\n::say fine, I will not\n'));
    const waiting = await waitForStatus(id, ['waiting_approval']);
    const step = waiting.steps.find((st: any) => st.status === 'waiting_approval');
    await s.fetch(`/v1/runs/${id}/approve`, { method: 'POST', token: s.adminToken, json: { step_id: step.id, action: 'deny' } });
    const done = await waitForStatus(id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((st: any) => st.id === step.id).status).toBe('skipped');
    expect(fs.readdirSync(workspace).length).toBeGreaterThan(0);
  });

  it('::fail makes the run fail with the message', async () => {
    const id = await createRun(writeSpec('fail', '::say trying\n::fail the model broke\n'));
    const done = await waitForStatus(id, ['failed']);
    expect(done.error).toContain('the model broke');
  });

  it('POST /v1/runs refuses a workspace outside WORKSPACE_ROOTS (400) and a missing spec (400)', async () => {
    const outside = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: '/tmp', prompt: 'x' } });
    expect(outside.status).toBe(400);
    expect((await outside.json()).error).toContain('workspace_path');
    const missing = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, spec_path: 'specs/nope/spec.md' } });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toContain('spec_path');
    const escape = await s.fetch('/v1/runs', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace, spec_path: '../../admin-token' } });
    expect(escape.status).toBe(400);
  });

  it('GET /v1/runs lists most recent first; unknown ids are 404; a malformed cursor is 400', async () => {
    const list = (await (await s.fetch('/v1/runs', { token: s.adminToken })).json()) as Array<{ id: string; created_at: string }>;
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect([...list].sort((a, b) => b.id.localeCompare(a.id)).map((r) => r.id)).toEqual(list.map((r) => r.id));
    expect((await s.fetch('/v1/runs/run_nope', { token: s.adminToken })).status).toBe(404);
    expect((await s.fetch('/v1/runs/run_nope/events', { token: s.adminToken })).status).toBe(404);
    const bad = await s.fetch(`/v1/runs/${list[0]!.id}/events`, { token: s.adminToken, headers: { 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain('Last-Event-ID');
    expect((await s.fetch(`/v1/runs/${list[0]!.id}/events?from_seq=-1`, { token: s.adminToken })).status).toBe(400);
  });

  it('GET /v1/runs/{run_id}/events accepts ?access_token= (EventSource cannot send headers); other routes do not', async () => {
    const [first] = (await (await s.fetch('/v1/runs', { token: s.adminToken })).json()) as Array<{ id: string }>;
    const sse = await openSse(`${s.url}/v1/runs/${first!.id}/events?access_token=${s.adminToken}`);
    expect(sse.status).toBe(200);
    sse.close();
    expect((await s.fetch(`/v1/runs/${first!.id}?access_token=${s.adminToken}`)).status).toBe(401);
    expect((await s.fetch(`/v1/runs/${first!.id}/events`)).status).toBe(401);
  });
});
