/**
 * Scale-out: 2 web + 2 worker processes (ROLE=web / ROLE=worker) on one Postgres database, as
 * separate real processes on loopback ports. A client on web A follows a run a worker executes;
 * that worker is killed with SIGKILL mid-run and another takes the work over; cancel and the
 * emergency stop sent to web B reach the executing worker; SIGTERM makes a worker hand its work
 * back at a step boundary. Every tool call appends a line to a marker file in the workspace, so a
 * tool run twice would show as a repeated line.
 *
 * Postgres only: the embedded database (PGlite) admits one process, so there is nothing to scale out.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '@/server/testing/harness';
import { startServerProcess, type ServerProcess } from '@/server/testing/server-process';
import { openSse } from '@/server/testing/sse-client';

const postgresUrl = process.env.DATABASE_URL;
const TERMINAL_RUN_STATUSES = ['succeeded', 'failed', 'canceled'];
const TERMINAL_RUN_EVENTS = new Set(['run_succeeded', 'run_failed', 'run_canceled']);

const token = `scale-admin-${randomBytes(12).toString('hex')}`;
// Shared by every process: session token hashes and sealed secrets must agree across them.
const secretsKey = randomBytes(32).toString('hex');
let tmp: string;
let workspaceRoot: string;
let database: { url: string; drop(): Promise<void> };
let sql: postgres.Sql;
let webA: ServerProcess;
let webB: ServerProcess;
const workers: ServerProcess[] = [];

const sharedEnv = () => ({
  DATABASE_URL: database.url,
  ADMIN_TOKEN: token,
  SECRETS_KEY: secretsKey,
  WORKSPACE_ROOTS: workspaceRoot,
  WORK_LEASE_SECONDS: '3',
  // The marker commands are the test's own; bubblewrap is not what this test is about.
  SANDBOX: 'off',
  RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
});

function start(role: 'web' | 'worker'): Promise<ServerProcess> {
  return startServerProcess({ ...sharedEnv(), ROLE: role, DATA_DIR: fs.mkdtempSync(path.join(tmp, `${role}-`)) });
}

const call = (server: ServerProcess, pathname: string, init: { method?: string; json?: unknown } = {}) => {
  const method = init.method ?? (init.json === undefined ? 'GET' : 'POST');
  return fetch(`${server.url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
};

/** A run (created on web A) whose every tool call appends `<tag>-<n>` to marker.txt, then sleeps. */
async function createMarkerRun(tag: string, toolCalls: number, sleepSeconds: number): Promise<{ id: string; workspace: string }> {
  const workspace = path.join(workspaceRoot, tag);
  fs.mkdirSync(workspace, { recursive: true });
  const lines = Array.from({ length: toolCalls }, (_, i) => `::tool bash ${JSON.stringify({ command: `echo ${tag}-${i + 1} >> marker.txt && sleep ${sleepSeconds}` })}`);
  // The typed API, because it takes a permission profile: `trusted` runs bash without asking a human.
  const res = await call(webA, '/api/trpc/runs.create', { json: { workspacePath: workspace, prompt: [...lines, '::say done'].join('\n'), profile: 'trusted' } });
  expect(res.status).toBe(200);
  const { result } = (await res.json()) as { result: { data: { id: string } } };
  return { id: result.data.id, workspace };
}

const markerLines = (workspace: string): string[] => {
  const file = path.join(workspace, 'marker.txt');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
};

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${[webA, webB, ...workers].map((p) => p?.output()).join('\n---\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runRow(id: string): Promise<{ status: string; lease_owner: string | null }> {
  const [row] = await sql<Array<{ status: string; lease_owner: string | null }>>`select status, lease_owner from run where id = ${id}`;
  return row!;
}

/** The live worker whose process holds the run's lease. */
async function executingWorker(runId: string): Promise<ServerProcess> {
  const ids = new Map<string, ServerProcess>();
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) ids.set(String((await worker.health()).process_id), worker);
  return until(`a worker holding run ${runId}`, async () => {
    const owner = (await runRow(runId)).lease_owner;
    return owner ? ids.get(owner) : undefined;
  });
}

async function terminalStatus(runId: string, timeoutMs = 60_000): Promise<string> {
  return until(`run ${runId} to end`, async () => {
    const { status } = await runRow(runId);
    return TERMINAL_RUN_STATUSES.includes(status) ? status : undefined;
  }, timeoutMs);
}

function expectEachOnceAtMost(lines: string[], tag: string, toolCalls: number): void {
  const expected = Array.from({ length: toolCalls }, (_, i) => `${tag}-${i + 1}`);
  for (const line of lines) expect(expected).toContain(line);
  expect(new Set(lines).size).toBe(lines.length);
}

describe.skipIf(!postgresUrl)('2 web + 2 worker processes on one Postgres (Postgres only: the embedded database admits one process)', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-scale-'));
    workspaceRoot = path.join(tmp, 'workspaces');
    fs.mkdirSync(workspaceRoot);
    database = await freshPostgresDatabase(postgresUrl!);
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    // The first process creates the schema; the others then start on it side by side.
    webA = await start('web');
    const [secondWeb, ...twoWorkers] = await Promise.all([start('web'), start('worker'), start('worker')]);
    webB = secondWeb;
    workers.push(...twoWorkers);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([webA, webB, ...workers].filter(Boolean).map((p) => p.stop('SIGKILL')));
    await sql?.end({ timeout: 2 });
    await database?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a worker answers only /healthz, naming the process whose leases it holds', async () => {
    const health = await workers[0]!.health();
    expect(health).toMatchObject({ ok: true, role: 'worker' });
    expect(typeof health.process_id).toBe('string');
    expect((await call(workers[0]!, '/v1/runs')).status).toBe(404);
  });

  it('a client on web A follows a run through the SIGKILL of its worker: another worker ends it, no seq gap, no tool run twice', async () => {
    const tag = 'killed';
    const run = await createMarkerRun(tag, 4, 1);
    const stream = await openSse(`${webA.url}/v1/runs/${run.id}/events`, { authorization: `Bearer ${token}` });
    expect(stream.status).toBe(200);

    await until('the second tool call to start', () => (markerLines(run.workspace).length >= 2 ? true : undefined));
    const victim = await executingWorker(run.id);
    await victim.stop('SIGKILL');

    const terminal = await stream.waitFor((f) => TERMINAL_RUN_EVENTS.has((JSON.parse(f.data) as { type: string }).type), 90_000);
    stream.close();
    expect(TERMINAL_RUN_STATUSES).toContain(await terminalStatus(run.id));
    const seqs = stream.frames.map((f) => Number(f.id));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(stream.frames.at(-1)).toBe(terminal);
    expectEachOnceAtMost(markerLines(run.workspace), tag, 4);

    // Keep two workers for what follows.
    workers.push(await start('worker'));
  }, 180_000);

  it('cancel sent to web B stops the run on the worker executing it', async () => {
    const run = await createMarkerRun('canceled', 1, 60);
    await until('the tool call to start', () => (markerLines(run.workspace).length >= 1 ? true : undefined));
    await executingWorker(run.id);
    expect((await call(webB, `/v1/runs/${run.id}/cancel`, { method: 'POST' })).status).toBe(200);
    expect(await terminalStatus(run.id, 15_000)).toBe('canceled');
  }, 90_000);

  it('the emergency stop sent to web B stops work executing on a worker', async () => {
    const run = await createMarkerRun('emergency', 1, 60);
    await until('the tool call to start', () => (markerLines(run.workspace).length >= 1 ? true : undefined));
    await executingWorker(run.id);
    const stopped = await call(webB, '/api/trpc/emergency.stop', { json: { reason: 'scale-out test' } });
    expect(stopped.status).toBe(200);
    try {
      expect(await terminalStatus(run.id, 15_000)).toBe('canceled');
    } finally {
      // As the tRPC client sends it: a batch of one call without input.
      expect((await call(webB, '/api/trpc/emergency.resume?batch=1', { json: {} })).status).toBe(200);
    }
  }, 90_000);

  it('SIGTERM makes a worker hand its run back at a step boundary; the other worker finishes it with every tool run once', async () => {
    const tag = 'drained';
    const run = await createMarkerRun(tag, 5, 1);
    await until('the first tool call to start', () => (markerLines(run.workspace).length >= 1 ? true : undefined));
    const draining = await executingWorker(run.id);
    expect(await draining.stop('SIGTERM')).toBe(0);
    // The drain returned at the step boundary after the tool call in progress, far from the run's end.
    expect(TERMINAL_RUN_STATUSES).not.toContain((await runRow(run.id)).status);

    expect(await terminalStatus(run.id)).toBe('succeeded');
    const detail = (await (await call(webB, `/v1/runs/${run.id}`)).json()) as { steps: Array<{ status: string }> };
    // Handed back, not interrupted: no tool call was cut off and reported as failed.
    expect(detail.steps.map((s) => s.status).every((s) => s === 'succeeded')).toBe(true);
    expect(markerLines(run.workspace).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `${tag}-${i + 1}`));
  }, 120_000);
});
