/**
 * Work reaches workers by signal: new work posted to one server is executed by a worker in another
 * sharing the database, a cancel posted anywhere aborts the executing worker, a drain hands work to
 * another worker, and workers racing for the same work never execute it twice.
 * The cross-server cases need a shared Postgres database (PGlite admits one process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { dataOf, openSse, type SseConnection } from '@/server/testing/sse-client';

const onPostgres = !!process.env.DATABASE_URL;

async function newSession(s: TestServer): Promise<{ id: string; events: SseConnection }> {
  const workspace = path.join(s.dataDir, 'workspaces', 'signals');
  fs.mkdirSync(workspace, { recursive: true });
  const res = await s.fetch('/v1/sessions', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace } });
  expect(res.status).toBe(200);
  const { session_id: id } = (await res.json()) as { session_id: string };
  const events = await openSse(`${s.url}/v1/sessions/${id}/events`, { authorization: `Bearer ${s.adminToken}` });
  return { id, events };
}

async function say(s: TestServer, sessionId: string, text: string): Promise<string> {
  const res = await s.fetch(`/v1/sessions/${sessionId}/messages`, { method: 'POST', token: s.adminToken, json: { role: 'user', parts: [{ type: 'text', text }] } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { turn_id: string }).turn_id;
}

async function turnStatus(s: TestServer, sessionId: string, turnId: string): Promise<string> {
  const session = (await (await s.fetch(`/v1/sessions/${sessionId}`, { token: s.adminToken })).json()) as { turns: Array<{ id: string; status: string }> };
  return session.turns.find((t) => t.id === turnId)!.status;
}

const ofTurn = (events: SseConnection, turnId: string) => events.frames.map(dataOf).filter((e) => (e.turn_id ?? (e.data as { turn_id?: string } | undefined)?.turn_id) === turnId);
const count = (events: Array<{ type: string }>, type: string) => events.filter((e) => e.type === type).length;

describe.skipIf(!onPostgres)('work signals across servers sharing one database', () => {
  let web: TestServer;
  let worker: TestServer;
  let spare: TestServer;

  beforeAll(async () => {
    web = await startTestServer();
    worker = await startTestServer({}, { shareDatabaseWith: web });
    spare = await startTestServer({}, { shareDatabaseWith: web });
    // The first server takes no work (a web-only process): whatever runs, runs elsewhere.
    await web.services.engine.drain(0);
  }, 60_000);
  afterAll(async () => {
    await spare?.close();
    await worker?.close();
    await web?.close();
  });

  it('a turn posted to a server that executes nothing is executed by a worker sharing the database', async () => {
    const { id, events } = await newSession(web);
    const turnId = await say(web, id, '::say hello from elsewhere');
    await events.waitFor((f) => dataOf(f).type === 'turn_completed', 20_000);
    events.close();
    const text = ofTurn(events, turnId)
      .filter((e) => e.type === 'model_output_delta')
      .map((e) => (e.data as { text: string }).text)
      .join('');
    expect(text).toBe('hello from elsewhere');
    expect(await turnStatus(web, id, turnId)).toBe('succeeded');
  });

  it('a cancel posted to one server aborts the turn where another executes it; the response comes after the end', async () => {
    const { id, events } = await newSession(web);
    const turnId = await say(web, id, '::sleep 600000');
    await events.waitFor((f) => dataOf(f).type === 'step_started', 20_000);
    const res = await web.fetch(`/v1/sessions/${id}/cancel`, { method: 'POST', token: web.adminToken, json: {} });
    expect(res.status).toBe(200);
    // The lease-renewal safety net would take seconds longer than the cancel waits: only the
    // abort signal ends the ten-minute model call by the time the response is back (agentd reports
    // an ended turn that did not succeed as failed; the event says it was canceled).
    expect(await turnStatus(web, id, turnId)).toBe('failed');
    await events.waitFor((f) => dataOf(f).type === 'turn_canceled');
    events.close();
  });

  it('a draining worker hands its work to another, which redoes the unfinished model call', async () => {
    const { id, events } = await newSession(web);
    const turnId = await say(web, id, '::sleep 600000');
    const started = dataOf(await events.waitFor((f) => dataOf(f).type === 'step_started', 20_000));
    const stepId = (started.data as { step_id: string }).step_id;
    const holder = [worker, spare].find((s) => s.services.engine.executing().includes(turnId))!;
    expect(holder).toBeDefined();
    const other = holder === worker ? spare : worker;
    await holder.services.engine.drain(50);
    // The same step starts again, elsewhere.
    const startsOfStep = () => events.frames.map(dataOf).filter((e) => e.type === 'step_started' && (e.data as { step_id: string }).step_id === stepId).length;
    await expect.poll(startsOfStep, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => other.services.engine.executing(), { timeout: 10_000 }).toContain(turnId);
    const res = await web.fetch(`/v1/sessions/${id}/cancel`, { method: 'POST', token: web.adminToken, json: {} });
    expect(res.status).toBe(200);
    await events.waitFor((f) => dataOf(f).type === 'turn_canceled', 10_000);
    events.close();
    expect(count(ofTurn(events, turnId), 'turn_started')).toBe(1);
  });
});

describe('workers racing for the same work', () => {
  let first: TestServer;
  let second: TestServer | undefined;

  beforeAll(async () => {
    first = await startTestServer();
    // On Postgres a second worker shares the database; on PGlite the one process races with itself.
    if (onPostgres) second = await startTestServer({}, { shareDatabaseWith: first });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('execute it once: one start, one run of each tool, one end', async () => {
    const { id, events } = await newSession(first);
    const turnId = await say(first, id, '::tool current_time {}\n::say done');
    const engines = [first, second].filter((s): s is TestServer => !!s).map((s) => s.services.engine);
    // Every worker is told again and again, all at once.
    await Promise.all(Array.from({ length: 10 }, (_, i) => engines[i % engines.length]!.enqueue({ kind: 'turn', id: turnId })));
    await events.waitFor((f) => dataOf(f).type === 'turn_completed', 20_000);
    // Late signals for finished work change nothing.
    await Promise.all(engines.map((e) => e.enqueue({ kind: 'turn', id: turnId })));
    expect(await turnStatus(first, id, turnId)).toBe('succeeded');
    events.close();
    const mine = ofTurn(events, turnId);
    expect(count(mine, 'turn_started')).toBe(1);
    expect(count(mine, 'turn_completed')).toBe(1);
    expect(mine.filter((e) => e.type === 'tool_call_completed' && (e.data as { tool_name?: string }).tool_name === 'current_time')).toHaveLength(1);
    expect(count(mine, 'model_output_completed')).toBe(2);
  });
});
