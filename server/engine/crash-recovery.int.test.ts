/**
 * kill -9 of the real server process in the middle of a run, then a restart on the same store:
 * the run must end terminally, finished steps must not be repeated, and the stream has no gaps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const token = `crash-admin-${randomBytes(8).toString('hex')}`;
let dataDir: string;
let databaseUrl: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
let port: number;
let child: ChildProcess | undefined;

async function start(): Promise<void> {
  port = 20000 + Math.floor(Math.random() * 10000);
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_TOKEN: token, SWITCHBOARD_NO_DASHBOARD: '1', LOG_LEVEL: 'warn', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

const api = (p: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}${p}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-crash-'));
  if (process.env.DATABASE_URL) {
    const name = `sb_crash_${randomBytes(5).toString('hex')}`;
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    };
  }
  await start();
}, 90_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await dropDatabase?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 mid-run', () => {
  it('resumes after restart without repeating finished steps; the run ends terminally with no seq gaps', async () => {
    const workspace = path.join(dataDir, 'workspaces', 'w');
    fs.mkdirSync(workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'README'), 'hi');
    const created = await api('/v1/runs', { method: 'POST', body: JSON.stringify({ workspace_path: workspace, prompt: '::say first part\n::tool list_files {}\n::sleep 2500\n::say second part' }) });
    const { run_id } = (await created.json()) as { run_id: string };

    // Wait until the first model call and the tool call are done and the second call is sleeping.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const run = (await (await api(`/v1/runs/${run_id}`)).json()) as { steps: Array<{ status: string }> };
      if (run.steps.length >= 3 && run.steps[2]!.status === 'running') break;
      if (Date.now() > deadline) throw new Error('run did not reach its second model call');
      await new Promise((r) => setTimeout(r, 50));
    }
    child!.kill('SIGKILL');
    await new Promise<void>((resolve) => child!.once('exit', () => resolve()));

    await start();
    let run: { status: string; steps: Array<{ id: string; status: string }> };
    const until = Date.now() + 30_000;
    for (;;) {
      run = (await (await api(`/v1/runs/${run_id}`)).json()) as typeof run;
      if (['succeeded', 'failed', 'canceled'].includes(run.status)) break;
      if (Date.now() > until) throw new Error(`run stuck in ${run.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((st) => st.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const res = await api(`/v1/runs/${run_id}/events`);
    const text = await res.text();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const events = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { type: string; data?: { step_id?: string } });
    // The first model call finished before the crash: its completion is reported once, never replayed.
    expect(events.filter((e) => e.type === 'model_output_completed' && e.data?.step_id === run.steps[0]!.id)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'tool_call_completed')).toHaveLength(1);
    expect(events.at(-1)!.type).toBe('run_succeeded');
  }, 120_000);
});
