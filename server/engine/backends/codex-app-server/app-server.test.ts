import fs from 'node:fs';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, waitFor } from '../shared/testing';
import { unsandboxed } from '../../tools/test-support';
import { AppServerProcess, type AppServerConfig, type ServerRequestAnswer, type TurnEvent } from './app-server';
import { installFakeAppServer, fakeAppServerLog, fakeAppServerPids } from './fake-app-server';
import type { ServerRequest } from './json-rpc';
import { AppServerPool } from './pool';

let dir: string;
let workspace: string;
let config: AppServerConfig;
const started: AppServerProcess[] = [];

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'app-server-')));
  workspace = path.join(dir, 'ws');
  fs.mkdirSync(workspace);
  config = { serverEnv: process.env, sandbox: unsandboxed, bin: installFakeAppServer(dir) };
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.kill()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<AppServerProcess> {
  const proc = await AppServerProcess.start(config, { cwd: workspace, sandboxMode: 'workspace-write' });
  started.push(proc);
  return proc;
}

type Asked = ServerRequest & { turnId: string | undefined };

async function turn(proc: AppServerProcess, text: string, answer: (request: Asked) => ServerRequestAnswer = () => ({ result: { decision: 'decline' } }), signal = new AbortController().signal) {
  const events: TurnEvent[] = [];
  const asked: Asked[] = [];
  for await (const event of proc.runTurn({ input: [{ type: 'text', text }], signal, onServerRequest: async (request) => (asked.push(request), answer(request)) })) events.push(event);
  return { events, asked, text: events.map((e) => (e.type === 'text_delta' ? e.text : '')).join(''), methods: events.flatMap((e) => (e.type === 'notification' ? [e.method] : [])) };
}

describe('codex app-server driver', () => {
  it('initializes, starts a thread with cwd, model, approval policy and sandbox, and streams a turn until turn/completed', async () => {
    const proc = await start();
    const { threadId, resumed } = await proc.openThread({ cwd: workspace, model: 'gpt-5-codex', approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
    expect(resumed).toBe(false);
    expect(threadId).toMatch(/^thr_fake_/);
    const { events, text, methods } = await turn(proc, 'hello there');
    expect(text).toBe('fake reply: hello there');
    expect(methods).toEqual(expect.arrayContaining(['turn/started', 'item/started', 'item/agentMessage/delta', 'item/completed', 'thread/tokenUsage/updated', 'turn/completed']));
    expect(methods.at(-1)).toBe('turn/completed');
    expect(events.find((e) => e.type === 'usage')).toEqual({ type: 'usage', inputTokens: 10, outputTokens: 10 });
    const sent = fakeAppServerLog(workspace).map((m) => m.method);
    expect(sent.slice(0, 4)).toEqual(['initialize', 'initialized', 'thread/start', 'turn/start']);
    expect(fakeAppServerLog(workspace).find((m) => m.method === 'thread/start')?.params).toEqual({ cwd: workspace, model: 'gpt-5-codex', approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
    expect(fakeAppServerLog(workspace).find((m) => m.method === 'turn/start')?.params).toEqual({ threadId, input: [{ type: 'text', text: 'hello there' }] });

    // The same process takes the next turn on the same thread; its usage is the turn's own.
    const second = await turn(proc, 'again');
    expect(second.text).toBe('fake reply: again');
    expect(second.events.find((e) => e.type === 'usage')).toEqual({ type: 'usage', inputTokens: 10, outputTokens: 10 });
  });

  it('hands a command approval request to the caller and sends its answer back as the JSON-RPC response', async () => {
    const proc = await start();
    await proc.openThread({ cwd: workspace, approvalPolicy: 'untrusted', sandbox: 'workspace-write' });
    const accepted = await turn(proc, '!run touch accepted.txt', () => ({ result: { decision: 'accept' } }));
    expect(accepted.asked).toHaveLength(1);
    expect(accepted.asked[0]).toMatchObject({ method: 'item/commandExecution/requestApproval', params: { command: 'touch accepted.txt', cwd: workspace, reason: 'the fake wants to run a command' } });
    expect(accepted.asked[0]!.turnId).toMatch(/^turn_fake_/);
    expect(fs.existsSync(path.join(workspace, 'accepted.txt'))).toBe(true);
    expect(accepted.text).toBe('ran touch accepted.txt');
    expect(accepted.events.filter((e) => e.type === 'tool_activity')).toHaveLength(2);

    const declined = await turn(proc, '!run touch declined.txt');
    expect(fs.existsSync(path.join(workspace, 'declined.txt'))).toBe(false);
    expect(declined.text).toBe('did not run touch declined.txt');
    const answers = fakeAppServerLog(workspace).flatMap((m) => (m.answer ? [m.answer.result] : []));
    expect(answers.slice(-2)).toEqual([{ decision: 'accept' }, { decision: 'decline' }]);
  });

  it('resumes a stored thread with thread/resume', async () => {
    const proc = await start();
    const { resumed, threadId } = await proc.openThread({ threadId: 'thr_from_before', cwd: workspace, approvalPolicy: 'never', sandbox: 'read-only' });
    expect({ resumed, threadId }).toEqual({ resumed: true, threadId: 'thr_from_before' });
    expect(fakeAppServerLog(workspace).filter((m) => m.method === 'thread/resume').at(-1)?.params).toMatchObject({ threadId: 'thr_from_before', approvalPolicy: 'never', sandbox: 'read-only' });
  });

  it('interrupts the turn with turn/interrupt when aborted; the turn ends as interrupted', async () => {
    const proc = await start();
    await proc.openThread({ cwd: workspace, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const controller = new AbortController();
    const events: TurnEvent[] = [];
    for await (const event of proc.runTurn({ input: [{ type: 'text', text: '!hang' }], signal: controller.signal, onServerRequest: async () => ({ result: {} }) })) {
      events.push(event);
      if (event.type === 'text_delta') controller.abort();
    }
    const completed = events.find((e) => e.type === 'notification' && e.method === 'turn/completed');
    expect(completed).toMatchObject({ params: { turn: { status: 'interrupted' } } });
    expect(fakeAppServerLog(workspace).some((m) => m.method === 'turn/interrupt')).toBe(true);
    expect(proc.alive).toBe(true);
  });

  it('reports a failed turn as an error', async () => {
    const proc = await start();
    await proc.openThread({ cwd: workspace, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const { events } = await turn(proc, '!fail');
    expect(events.at(-1)).toEqual({ type: 'error', message: 'codex: the fake failed on purpose' });
  });

  it('a missing binary fails the start instead of hanging', async () => {
    await expect(AppServerProcess.start({ ...config, bin: path.join(dir, 'no-such-codex') }, { cwd: workspace, sandboxMode: 'workspace-write' })).rejects.toThrow();
  });
});

describe('app-server pool', () => {
  it('keeps one process per session across turns and leaves no process behind on close, idle timeout or shutdown', async () => {
    let closed = new Set<string>();
    const pool = new AppServerPool({ idleMs: 60_000, checkEveryMs: 50, closedSessions: async () => closed });
    const opts = { cwd: workspace, sandboxMode: 'workspace-write' as const };
    const a1 = await pool.acquire('sess_a', config, opts);
    pool.release('sess_a');
    const a2 = await pool.acquire('sess_a', config, opts);
    pool.release('sess_a');
    expect(a2).toBe(a1);
    const b = await pool.acquire('sess_b', config, opts);
    pool.release('sess_b');
    expect(b.pid).not.toBe(a1.pid);

    closed = new Set(['sess_a']);
    expect(await waitFor(() => !isAlive(a1.pid!), 5_000)).toBe(true);
    expect(pool.pids().has('sess_a')).toBe(false);
    expect(isAlive(b.pid!)).toBe(true);

    await pool.shutdown();
    expect(isAlive(b.pid!)).toBe(false);
    for (const pid of fakeAppServerPids(workspace)) if (pid === a1.pid || pid === b.pid) expect(isAlive(pid)).toBe(false);

    const idlePool = new AppServerPool({ idleMs: 100, checkEveryMs: 50, closedSessions: async () => new Set() });
    const c = await idlePool.acquire('sess_c', config, opts);
    idlePool.release('sess_c');
    expect(await waitFor(() => !isAlive(c.pid!), 5_000)).toBe(true);
    await idlePool.shutdown();
  });
});
