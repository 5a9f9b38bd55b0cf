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
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { config } from './lib/config';
import { createFreshDatabase, type PgServer } from './lib/pg';
import { fmtMs, fmtRatio, heading, printTable } from './lib/table';
import { now } from './lib/timing';
import type { SectionOutcome } from './event-append';

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
// A minimal SSE subscriber: node:http, frames parsed as they arrive, each stamped on arrival.
// ---------------------------------------------------------------------------------------------

interface Frame {
  at: number;
  type: string;
  data: Record<string, unknown>;
}

interface Subscriber {
  /** Resolves with the first frame (arriving from now on) that matches. */
  next(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Calls `fn` for every frame from now on until the returned function is called. */
  watch(fn: (f: Frame) => void): () => void;
  close(): void;
}

async function subscribe(url: string, headers: Record<string, string>): Promise<Subscriber> {
  const watchers = new Set<(f: Frame) => void>();
  const agent = new http.Agent({ keepAlive: false });
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  if (res.statusCode !== 200) throw new Error(`SSE ${url}: HTTP ${res.statusCode}`);
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk: string) => {
    const at = now();
    buffer += chunk;
    let idx: number;
    while ((idx = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(data) as Record<string, unknown>;
      } catch {
        continue;
      }
      const frame = { at, type: String(parsed.type ?? ''), data: parsed };
      for (const w of [...watchers]) w(frame);
    }
  });
  res.on('error', () => {});
  const watch = (fn: (f: Frame) => void) => {
    watchers.add(fn);
    return () => void watchers.delete(fn);
  };
  return {
    watch,
    next(pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error('timed out waiting for an SSE frame'));
        }, timeoutMs);
        const stop = watch((f) => {
          if (!pred(f)) return;
          clearTimeout(timer);
          stop();
          resolve(f);
        });
      });
    },
    close() {
      req.destroy();
      agent.destroy();
    },
  };
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** POST with a keep-alive connection (as a real client would reuse one). */
function post(url: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
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
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sub = await subscribe(`${base}/events`, {});
  const samples: number[] = [];
  try {
    for (let i = 0; i < count + sizes.warmup; i++) {
      const seen = sub.next((f) => f.type === 'model_output_delta');
      const t0 = now();
      await post(`${base}/say`, { text: 'hello' });
      const f = await seen;
      if (i >= sizes.warmup) samples.push(f.at - t0);
    }
  } finally {
    sub.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return samples;
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

async function newSession(s: TestServer): Promise<{ id: string; sub: Subscriber }> {
  const workspace = path.join(s.dataDir, 'workspaces', 'bench');
  fs.mkdirSync(workspace, { recursive: true });
  const res = await post(`${s.url}/v1/sessions`, { workspace_path: workspace }, s.adminToken);
  if (res.status !== 200) throw new Error(`POST /v1/sessions: ${res.status} ${res.body}`);
  const id = (JSON.parse(res.body) as { session_id: string }).session_id;
  const sub = await subscribe(`${s.url}/v1/sessions/${id}/events`, { authorization: `Bearer ${s.adminToken}` });
  return { id, sub };
}

interface TurnSamples {
  firstEvent: number[];
  firstDelta: number[];
  done: number[];
}

async function turnLatency(s: TestServer): Promise<TurnSamples> {
  const { id, sub } = await newSession(s);
  const out: TurnSamples = { firstEvent: [], firstDelta: [], done: [] };
  try {
    for (let i = 0; i < sizes.turns + sizes.warmup; i++) {
      let firstEvent = Number.NaN;
      let firstDelta = Number.NaN;
      const stop = sub.watch((f) => {
        if (Number.isNaN(firstEvent)) firstEvent = f.at;
        if (Number.isNaN(firstDelta) && f.type === 'model_output_delta') firstDelta = f.at;
      });
      const done = sub.next((f) => f.type === 'turn_completed' || f.type === 'turn_failed');
      const t0 = now();
      const res = await post(`${s.url}/v1/sessions/${id}/messages`, { role: 'user', parts: [{ type: 'text', text: '::say hello' }] }, s.adminToken);
      if (res.status !== 200) throw new Error(`POST message: ${res.status} ${res.body}`);
      const end = await done;
      stop();
      if (end.type !== 'turn_completed') throw new Error(`turn ended ${end.type}: ${JSON.stringify(end.data)}`);
      if (i < sizes.warmup) continue;
      out.firstEvent.push(firstEvent - t0);
      out.firstDelta.push(firstDelta - t0);
      out.done.push(end.at - t0);
    }
  } finally {
    sub.close();
  }
  return out;
}

/** POST cancel on a turn busy in a long model call → its terminal event at the subscriber. */
async function cancelLatency(s: TestServer): Promise<number[]> {
  const { id, sub } = await newSession(s);
  const samples: number[] = [];
  try {
    for (let i = 0; i < sizes.cancels + 2; i++) {
      const busy = sub.next((f) => f.type === 'step_started');
      const res = await post(`${s.url}/v1/sessions/${id}/messages`, { role: 'user', parts: [{ type: 'text', text: '::sleep 60000' }] }, s.adminToken);
      if (res.status !== 200) throw new Error(`POST message: ${res.status} ${res.body}`);
      await busy;
      // Let the model call be well under way (the backend is inside its sleep).
      await new Promise((r) => setTimeout(r, 20));
      const ended = sub.next((f) => f.type === 'turn_canceled');
      const t0 = now();
      const cancel = await post(`${s.url}/v1/sessions/${id}/cancel`, {}, s.adminToken);
      if (cancel.status !== 200) throw new Error(`POST cancel: ${cancel.status} ${cancel.body}`);
      const f = await ended;
      if (i >= 2) samples.push(f.at - t0);
    }
  } finally {
    sub.close();
  }
  return samples;
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
      const t = await turnLatency(servers.web);
      rows.push(row(`${db.name}: POST → first event`, t.firstEvent, floorP50));
      rows.push(row(`${db.name}: POST → first text delta`, t.firstDelta, floorP50));
      rows.push(row(`${db.name}: POST → turn done`, t.done, floorP50));
      const delta = percentile(t.firstDelta, 50);
      const done = percentile(t.done, 50);
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
      const xs = await cancelLatency(servers.web);
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
