/**
 * Turn latency and cancel latency, as a client sees them, on PGlite and on Postgres.
 *
 * turn: a real server (the test harness: REST dialect, SSE, engine, database), one session, one SSE
 *   subscriber on its events, then N sequential turns `::say hello` (scripted backend). For each:
 *   POST message → first event at the subscriber, → first text delta, → turn done (p50/p99).
 *   Baselines in the same run: the HTTP floor (a bare node:http server whose POST writes one SSE
 *   frame to a waiting subscriber, same client code) and a raw LISTEN/NOTIFY round trip (postgres.js).
 * cancel: a turn busy in a long model call (`::sleep`), then POST cancel; time until the terminal
 *   event reaches the subscriber (the executing worker aborted and recorded it). On Postgres also
 *   with the work executed by a second server sharing the database (the first takes no work), so
 *   the abort has to cross processes by notification.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { config } from './lib/config';
import { createFreshDatabase, type PgServer } from './lib/pg';
import { fmtMs, fmtRatio, heading, printTable } from './lib/table';
import { now } from './lib/timing';
import type { SectionOutcome } from './event-append';
import type { Job, Samples } from './lib/latency-client';

const GOAL_FIRST_DELTA_MS = 25;
const GOAL_TURN_DONE_MS = 40;
const GOAL_CANCEL_P99_MS = 50;

const sizes = config.mode.startsWith('quick') ? { turns: 20, warmup: 3, cancels: 8, notifies: 50, floor: 50 } : { turns: 100, warmup: 10, cancels: 30, notifies: 300, floor: 300 };

function percentile(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

// ---------------------------------------------------------------------------------------------
// The client: a child process (lib/latency-client.ts), so it never waits for the server's event loop
// ---------------------------------------------------------------------------------------------

async function inClient(job: Job): Promise<Samples> {
  const script = fileURLToPath(new URL('./lib/latency-client.ts', import.meta.url));
  const child = fork(script, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    return await new Promise<Samples>((resolve, reject) => {
      child.once('message', (msg: { type: 'result'; samples: Samples } | { type: 'error'; message: string }) =>
        msg.type === 'result' ? resolve(msg.samples) : reject(new Error(msg.message)),
      );
      child.once('exit', (code) => reject(new Error(`latency client exited (${code})`)));
      child.send(job);
    });
  } finally {
    child.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Baselines
// ---------------------------------------------------------------------------------------------

/** A bare node:http server: GET /events holds an SSE response, POST /say writes one frame to it. */
async function httpFloor(count: number): Promise<number[]> {
  const subscribers = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': open\n\n');
      subscribers.add(res);
      req.on('close', () => subscribers.delete(res));
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const frame = `data: ${JSON.stringify({ type: 'model_output_delta', data: { text: 'hello' } })}\n\n`;
      for (const s of subscribers) s.write(frame);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const samples = await inClient({ type: 'floor', base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, count, warmup: sizes.warmup });
    return samples.frame!;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** NOTIFY on one connection → the LISTEN callback on another, as postgres.js delivers it. */
async function notifyRoundTrip(adminUrl: string, count: number): Promise<number[]> {
  const db = await createFreshDatabase(adminUrl);
  const listener = postgres(db.url, { max: 1, onnotice: () => {} });
  const sender = postgres(db.url, { max: 1, onnotice: () => {} });
  const samples: number[] = [];
  try {
    let arrived: (() => void) | undefined;
    await listener.listen('bench_rtt', () => arrived?.());
    await sender`select 1`;
    for (let i = 0; i < count + sizes.warmup; i++) {
      const seen = new Promise<void>((resolve) => (arrived = resolve));
      const t0 = now();
      await sender`select pg_notify('bench_rtt', ${String(i)})`;
      await seen;
      if (i >= sizes.warmup) samples.push(now() - t0);
    }
  } finally {
    await listener.end({ timeout: 2 });
    await sender.end({ timeout: 2 });
    await db.drop();
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Switchboard
// ---------------------------------------------------------------------------------------------

interface Servers {
  /** Where the client talks (REST + SSE). */
  web: TestServer;
  /** Where the work runs, when it is another server on the same database. */
  worker?: TestServer;
  close(): Promise<void>;
}

/** The harness makes a fresh database per server on the Postgres named by DATABASE_URL, or PGlite without it. */
async function startServers(pg: PgServer | null, split: boolean): Promise<Servers> {
  const saved = process.env.DATABASE_URL;
  if (pg) process.env.DATABASE_URL = pg.adminUrl;
  else delete process.env.DATABASE_URL;
  try {
    const web = await startTestServer({ LOG_LEVEL: 'silent' });
    if (!split) return { web, close: () => web.close() };
    const worker = await startTestServer({ LOG_LEVEL: 'silent' }, { shareDatabaseWith: web });
    // The first server takes no work from now on (as ROLE=web would): the second executes it.
    await web.services.engine.drain(0);
    return {
      web,
      worker,
      async close() {
        await worker.close();
        await web.close();
      },
    };
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

/** A session created over the agentd REST dialect; the client subscribes to its events itself. */
async function newSession(s: TestServer): Promise<{ base: string; token: string; sessionId: string }> {
  const workspace = path.join(s.dataDir, 'workspaces', 'bench');
  fs.mkdirSync(workspace, { recursive: true });
  const res = await s.fetch('/v1/sessions', { method: 'POST', token: s.adminToken, json: { workspace_path: workspace } });
  if (res.status !== 200) throw new Error(`POST /v1/sessions: ${res.status} ${await res.text()}`);
  const { session_id: sessionId } = (await res.json()) as { session_id: string };
  return { base: s.url, token: s.adminToken, sessionId };
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

const row = (name: string, xs: number[], floor?: number) => [name, fmtMs(percentile(xs, 50)), fmtMs(percentile(xs, 99)), floor ? fmtRatio(floor / percentile(xs, 50)) : ''];

export async function benchTurnLatency(pg: PgServer | null): Promise<SectionOutcome> {
  const summary: string[] = [];
  const failures: string[] = [];
  heading('Turn latency: POST a session message `::say hello` → at an SSE subscriber');
  const floor = await httpFloor(sizes.floor);
  const floorP50 = percentile(floor, 50);
  const rtt = pg ? await notifyRoundTrip(pg.adminUrl, sizes.notifies) : [];
  const dbs: Array<{ name: string; pg: PgServer | null }> = [{ name: 'PGlite', pg: null }, ...(pg ? [{ name: 'Postgres', pg }] : [])];
  const rows: string[][] = [row('baseline: bare node:http POST → SSE frame (HTTP floor)', floor)];
  if (pg) rows.push(row('baseline: raw LISTEN/NOTIFY round trip (postgres.js)', rtt));
  for (const db of dbs) {
    const servers = await startServers(db.pg, false);
    try {
      const t = await inClient({ type: 'turns', ...(await newSession(servers.web)), count: sizes.turns, warmup: sizes.warmup });
      rows.push(row(`${db.name}: POST → first event`, t.firstEvent!, floorP50));
      rows.push(row(`${db.name}: POST → first text delta`, t.firstDelta!, floorP50));
      rows.push(row(`${db.name}: POST → turn done`, t.done!, floorP50));
      const delta = percentile(t.firstDelta!, 50);
      const done = percentile(t.done!, 50);
      summary.push(`turn (${db.name}): p50 first text delta ${fmtMs(delta)} (goal ≤ ${GOAL_FIRST_DELTA_MS} ms: ${delta <= GOAL_FIRST_DELTA_MS ? 'MET' : 'NOT MET'}), turn done ${fmtMs(done)} (goal ≤ ${GOAL_TURN_DONE_MS} ms: ${done <= GOAL_TURN_DONE_MS ? 'MET' : 'NOT MET'}); HTTP floor ${fmtMs(floorP50)}${rtt.length ? `, NOTIFY round trip ${fmtMs(percentile(rtt, 50))}` : ''}`);
    } catch (err) {
      failures.push(`turn (${db.name}): ${(err as Error).message}`);
    } finally {
      await servers.close();
    }
  }
  printTable(['what', 'p50', 'p99', 'floor/p50'], rows);
  console.log(`(${sizes.turns} turns after ${sizes.warmup} warm-up turns; floor/p50 is the HTTP floor's p50 over the row's p50)`);
  return { summary, failures };
}

export async function benchCancelLatency(pg: PgServer | null): Promise<SectionOutcome> {
  const summary: string[] = [];
  const failures: string[] = [];
  heading('Cancel latency: POST cancel on a turn busy in a model call → its terminal event at the subscriber');
  const cases: Array<{ name: string; pg: PgServer | null; split: boolean }> = [
    { name: 'PGlite', pg: null, split: false },
    ...(pg ? [{ name: 'Postgres', pg, split: false }, { name: 'Postgres, worker in another server', pg, split: true }] : []),
  ];
  const rows: string[][] = [];
  for (const c of cases) {
    const servers = await startServers(c.pg, c.split);
    try {
      const xs = (await inClient({ type: 'cancels', ...(await newSession(servers.web)), count: sizes.cancels, warmup: 2 })).canceled!;
      rows.push(row(c.name, xs));
      const p99 = percentile(xs, 99);
      summary.push(`cancel (${c.name}): p50 ${fmtMs(percentile(xs, 50))}, p99 ${fmtMs(p99)} (goal p99 ≤ ${GOAL_CANCEL_P99_MS} ms: ${p99 <= GOAL_CANCEL_P99_MS ? 'MET' : 'NOT MET'})`);
    } catch (err) {
      failures.push(`cancel (${c.name}): ${(err as Error).message}`);
    } finally {
      await servers.close();
    }
  }
  printTable(['what', 'p50', 'p99', ''], rows);
  console.log(`(${sizes.cancels} cancels; the time includes the POST cancel itself, which returns once the work has ended)`);
  return { summary, failures };
}
