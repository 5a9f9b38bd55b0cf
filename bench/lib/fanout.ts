/**
 * The fan-out benches' harness (SSE and WebSocket): each variant is a node:http server (port 0)
 * with a client fleet in a child process (lib/fleet-child.ts). For every variant:
 *   - idle memory: the server process's RSS and heap before and after its fleet connects (after a
 *     full GC), per connection;
 *   - throughput: timed rounds of M events, from just before the first publish until the fleet
 *     reports that every client has every frame;
 *   - latency: events published one at a time at a steady pace, each stamped when published and
 *     when each client receives it (one machine, one clock); p50/p99 over every delivery.
 * All variants stay connected and their rounds interleave (rotating order), so a noisy stretch of a
 * shared machine hits every variant rather than one.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { openDatabase, type Database } from '@/db/client';
import { onCleanup } from './cleanup';
import { createFreshDatabase, type PgServer } from './pg';
import { fmtInt, fmtMs, fmtRate, fmtRatio, fmtSpread, printTable } from './table';
import { median, now } from './timing';

export type FleetKind = 'sse' | 'ws';

export interface FanoutSizes {
  clients: number;
  events: number;
  warmupEvents: number;
  rounds: number;
  /** Events in the latency phase, and the gap between two of them. */
  latencyEvents: number;
  latencyGapMs: number;
  timeoutMs: number;
}

type FleetMsg =
  | { type: 'opened'; ms: number; errors: number; firstError: string }
  | { type: 'reached'; target: number; cpuMs: number }
  | { type: 'status'; min: number; max: number; reached: number; clients: number }
  | { type: 'arrivals'; flat: number[] }
  | { type: 'caught-up'; ms: number; errors: number; firstError: string; violations: number }
  | { type: 'closed' };

export const epochMs = () => performance.timeOrigin + performance.now();

export function ulimitN(): string {
  const r = spawnSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  return r.stdout.trim() || '?';
}

/** The parent's handle on a client fleet process. */
export class Fleet {
  private waiters: Array<{ type: FleetMsg['type']; match?: (m: FleetMsg) => boolean; resolve: (m: FleetMsg, at: number) => void }> = [];
  private exited = false;
  private release: () => Promise<void>;

  private constructor(private child: ChildProcess) {
    child.on('message', (m: FleetMsg) => {
      // Stamp arrival first: this is the "every client has every event" instant on our clock.
      const at = now();
      const i = this.waiters.findIndex((w) => w.type === m.type && (!w.match || w.match(m)));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m, at);
    });
    child.on('exit', () => {
      this.exited = true;
    });
    // A send to a fleet that has gone (it crashed, or a failed round left a wait behind) must fail
    // that wait, not the whole run.
    child.on('error', () => {});
    const kill = () => {
      if (!this.exited) child.kill('SIGKILL');
    };
    this.release = onCleanup('stop client fleet process', kill, kill);
  }

  static start(kind: FleetKind): Fleet {
    const script = new URL(kind === 'sse' ? './sse-clients.ts' : './ws-clients.ts', import.meta.url).pathname;
    // The child is TypeScript too: load tsx into it explicitly (worker threads would not inherit it).
    const child = fork(script, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Fleet(child);
  }

  private next<T extends FleetMsg>(type: T['type'], timeoutMs: number, match?: (m: FleetMsg) => boolean): Promise<{ msg: T; at: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the client fleet (${type})`));
      }, timeoutMs);
      const waiter = {
        type,
        match,
        resolve: (msg: FleetMsg, at: number) => {
          clearTimeout(timer);
          resolve({ msg: msg as T, at });
        },
      };
      this.waiters.push(waiter);
    });
  }

  async open(url: string, clients: number, timeoutMs: number) {
    const p = this.next<Extract<FleetMsg, { type: 'opened' }>>('opened', timeoutMs);
    this.child.send({ type: 'open', url, clients });
    return (await p).msg;
  }

  /** Opens `clients` clients at once, client i resuming from fromSeqs[i % n]; resolves when all have every frame up to lastSeq. */
  async storm(url: string, clients: number, fromSeqs: number[], lastSeq: number, timeoutMs: number) {
    const p = this.next<Extract<FleetMsg, { type: 'caught-up' }>>('caught-up', timeoutMs);
    this.child.send({ type: 'storm', url, clients, fromSeqs, lastSeq });
    return (await p).msg;
  }

  /** Resolves with our performance.now() when every client has counted `target` frames, and the fleet's CPU time to get there. */
  async awaitAll(target: number, timeoutMs: number): Promise<{ at: number; cpuMs: number }> {
    const p = this.next<Extract<FleetMsg, { type: 'reached' }>>('reached', timeoutMs, (m) => m.type === 'reached' && m.target === target);
    this.child.send({ type: 'await', target });
    try {
      const { msg, at } = await p;
      return { at, cpuMs: msg.cpuMs };
    } catch (err) {
      const s = await this.status().catch(() => undefined);
      throw new Error(`${(err as Error).message}; target ${target} frames/client, ${s ? `${s.reached}/${s.clients} clients there, counts ${s.min}..${s.max}` : 'no status'}`);
    }
  }

  record() {
    this.child.send({ type: 'record' });
  }

  /** Every frame's arrival since record(): [id, epochMs, id, epochMs, ...]. */
  async arrivals(): Promise<number[]> {
    const p = this.next<Extract<FleetMsg, { type: 'arrivals' }>>('arrivals', 30_000);
    this.child.send({ type: 'arrivals' });
    return (await p).msg.flat;
  }

  async status() {
    if (this.exited) throw new Error('the client fleet has exited');
    const p = this.next<Extract<FleetMsg, { type: 'status' }>>('status', 5000);
    this.child.send({ type: 'status' });
    return (await p).msg;
  }

  async close() {
    if (!this.exited) {
      const p = this.next('closed', 5000).catch(() => undefined);
      this.child.send({ type: 'close' });
      await p;
    }
    await this.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements of this process and the machine
// ---------------------------------------------------------------------------------------------

let clockTicks = 0;
/**
 * CPU ms used so far by the Postgres backends serving database `dbName` (Linux /proc, local server
 * only): their process titles name the database ("postgres: user db 127.0.0.1(port) idle").
 * Backends are pooled and long-lived, so a before/after difference is the database's share of a round.
 */
export function dbBackendsCpuMs(dbName: string | undefined): number {
  if (!dbName) return Number.NaN;
  try {
    clockTicks ||= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    let ticks = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${dbName} `)) continue;
        // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      } catch {
        /* the process exited meanwhile */
      }
    }
    return (ticks * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** Busy and total jiffies over all CPUs from /proc/stat (Linux), to tell a saturated machine from an idle wait. */
export function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

let fullGc: (() => void) | undefined;
/** RSS and V8 heap after a full collection (so the difference between two readings is what is still held). */
export async function settledMemory(): Promise<{ rss: number; heap: number }> {
  if (!fullGc) {
    v8.setFlagsFromString('--expose-gc');
    fullGc = vm.runInNewContext('gc') as () => void;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  fullGc();
  fullGc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}

export function listen(server: http.Server, path = '/events', scheme = 'http'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A backlog above the fleet size (the kernel caps it at somaxconn) so no SYN is dropped.
    server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, () => {
      const { port } = server.address() as AddressInfo;
      resolve(`${scheme}://127.0.0.1:${port}${path}`);
    });
  });
}

export async function closeServer(server: http.Server) {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------
// Variants: connect, idle memory, interleaved throughput rounds, paced latency phase
// ---------------------------------------------------------------------------------------------

export interface Variant {
  name: string;
  server: http.Server;
  /** `ws` for a WebSocket URL. */
  scheme?: string;
  /** Untimed preparation for a round of `count` events (e.g. inserting them). */
  prepare?: (count: number) => Promise<unknown>;
  /** The timed part: make `count` events go out to every client. */
  publish: (count: number, prepared: unknown) => Promise<void> | void;
  /** Closes what the server holds beyond its sockets (e.g. a WebSocketServer). */
  close?: () => Promise<void> | void;
}

export interface VariantResult {
  name: string;
  connectMs: number;
  roundsMs: number[];
  /** CPU use during the timed rounds as a share of wall time: this process (the server), the client fleet, the DB, the whole machine. */
  serverCpu: number;
  clientCpu: number;
  dbCpu: number;
  machineBusy: number;
  /** Server-process CPU per delivery (µs): unlike wall time, barely moved by other load on the machine. */
  serverUsPerDelivery: number;
  /** Idle memory per connection (bytes): RSS and JS heap (+ external buffers) deltas over the fleet's connect. */
  rssPerConn: number;
  heapPerConn: number;
  /** Delivery latency (publish → a client has the frame) over every delivery of the latency phase. */
  latencyP50: number;
  latencyP99: number;
}

interface Live {
  v: Variant;
  fleet: Fleet;
  releaseServer: () => Promise<void>;
  connectMs: number;
  rssPerConn: number;
  heapPerConn: number;
  target: number;
  roundsMs: number[];
  serverCpuMs: number;
  clientCpuMs: number;
  dbCpuMs: number;
  busy: number;
  total: number;
  latencies: number[];
}

async function setUp(kind: FleetKind, sizes: FanoutSizes, v: Variant): Promise<Live> {
  const url = await listen(v.server, '/events', v.scheme);
  const releaseServer = onCleanup(`close ${v.name} server`, async () => {
    await v.close?.();
    await closeServer(v.server);
  });
  const before = await settledMemory();
  const fleet = Fleet.start(kind);
  const live: Live = {
    v,
    fleet,
    releaseServer,
    connectMs: 0,
    rssPerConn: 0,
    heapPerConn: 0,
    target: 0,
    roundsMs: [],
    serverCpuMs: 0,
    clientCpuMs: 0,
    dbCpuMs: 0,
    busy: 0,
    total: 0,
    latencies: [],
  };
  try {
    const opened = await fleet.open(url, sizes.clients, sizes.timeoutMs);
    if (opened.errors > 0) {
      const hint = /EMFILE/.test(opened.firstError) ? ` (EMFILE: ulimit -n is ${ulimitN()}; nothing was raised system-wide)` : '';
      throw new Error(`${opened.errors}/${sizes.clients} client connections failed: ${opened.firstError}${hint}`);
    }
    live.connectMs = opened.ms;
    const after = await settledMemory();
    live.rssPerConn = (after.rss - before.rss) / sizes.clients;
    live.heapPerConn = (after.heap - before.heap) / sizes.clients;
    // Warm-up burst: JIT for the whole path (server and fleet), and a barrier — once every client has
    // these frames, every Switchboard reader has finished its replay query and follows the bus live.
    live.target = sizes.warmupEvents;
    const wait = fleet.awaitAll(live.target, sizes.timeoutMs);
    await v.publish(sizes.warmupEvents, await v.prepare?.(sizes.warmupEvents));
    await wait;
    return live;
  } catch (err) {
    await tearDown(live);
    throw err;
  }
}

async function tearDown(live: Live) {
  await live.fleet.close();
  await live.releaseServer();
}

async function runRound(sizes: FanoutSizes, live: Live, dbName: string | undefined) {
  const { v, fleet } = live;
  const prepared = await v.prepare?.(sizes.events);
  // Let the previous round's garbage and socket buffers settle so every round starts alike.
  await new Promise((resolve) => setTimeout(resolve, 100));
  live.target += sizes.events;
  const wait = fleet.awaitAll(live.target, sizes.timeoutMs);
  const ticks0 = machineTicks();
  const db0 = dbBackendsCpuMs(dbName);
  const cpu0 = process.cpuUsage();
  const t0 = now();
  await v.publish(sizes.events, prepared);
  const done = await wait;
  live.roundsMs.push(done.at - t0);
  const cpu = process.cpuUsage(cpu0);
  live.serverCpuMs += (cpu.user + cpu.system) / 1000;
  live.clientCpuMs += done.cpuMs;
  live.dbCpuMs += dbBackendsCpuMs(dbName) - db0;
  const ticks1 = machineTicks();
  if (ticks0 && ticks1) {
    live.busy += ticks1.busy - ticks0.busy;
    live.total += ticks1.total - ticks0.total;
  }
}

/**
 * One event at a time, `latencyGapMs` apart: the id of the k-th is target + k (every variant's ids
 * are consecutive from 1), stamped just before it is published (the append variants' stamp is
 * before their DB write, so their latency includes it).
 */
async function runLatency(sizes: FanoutSizes, live: Live) {
  const { v, fleet } = live;
  const publishedAt = new Map<number, number>();
  fleet.record();
  for (let k = 1; k <= sizes.latencyEvents; k++) {
    const prepared = await v.prepare?.(1);
    publishedAt.set(live.target + k, epochMs());
    await v.publish(1, prepared);
    await new Promise((resolve) => setTimeout(resolve, sizes.latencyGapMs));
  }
  live.target += sizes.latencyEvents;
  await fleet.awaitAll(live.target, sizes.timeoutMs);
  const flat = await fleet.arrivals();
  for (let i = 0; i < flat.length; i += 2) {
    const sent = publishedAt.get(flat[i]!);
    if (sent !== undefined) live.latencies.push(flat[i + 1]! - sent);
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN);

function resultOf(sizes: FanoutSizes, live: Live): VariantResult {
  const wall = live.roundsMs.reduce((a, b) => a + b, 0);
  const sorted = [...live.latencies].sort((a, b) => a - b);
  return {
    name: live.v.name,
    connectMs: live.connectMs,
    roundsMs: live.roundsMs,
    serverUsPerDelivery: (live.serverCpuMs * 1000) / (live.roundsMs.length * sizes.events * sizes.clients),
    serverCpu: live.serverCpuMs / wall,
    clientCpu: live.clientCpuMs / wall,
    dbCpu: live.dbCpuMs / wall,
    machineBusy: live.total ? live.busy / live.total : Number.NaN,
    rssPerConn: live.rssPerConn,
    heapPerConn: live.heapPerConn,
    latencyP50: percentile(sorted, 50),
    latencyP99: percentile(sorted, 99),
  };
}

export async function runVariants(kind: FleetKind, sizes: FanoutSizes, variants: Variant[], dbName: string | undefined): Promise<VariantResult[]> {
  const lives: Live[] = [];
  try {
    for (const v of variants) {
      console.log(`[${kind}] connect ${fmtInt(sizes.clients)} clients + ${sizes.warmupEvents} warm-up events: ${v.name}`);
      lives.push(await setUp(kind, sizes, v));
    }
    for (let r = 0; r < sizes.rounds; r++) {
      console.log(`[${kind}] round ${r + 1}/${sizes.rounds}: ${sizes.events} events to each variant's ${fmtInt(sizes.clients)} clients`);
      for (let k = 0; k < lives.length; k++) await runRound(sizes, lives[(k + r) % lives.length]!, dbName);
    }
    console.log(`[${kind}] latency: ${sizes.latencyEvents} events ${sizes.latencyGapMs} ms apart, per variant`);
    for (const live of lives) await runLatency(sizes, live);
    return lives.map((live) => resultOf(sizes, live));
  } finally {
    for (const live of lives) await tearDown(live);
  }
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');
const fmtKb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : 'n/a');

/** The table of all variants, ratios against the first (the bare baseline). */
export function printVariants(sizes: FanoutSizes, results: VariantResult[], dbMeasured: boolean): void {
  const base = results[0]!;
  const baseMs = median(base.roundsMs);
  const rows = results.map((r) => {
    const ms = median(r.roundsMs);
    return [
      r.name,
      fmtMs(r.connectMs),
      fmtMs(ms),
      fmtSpread(Math.min(...r.roundsMs), Math.max(...r.roundsMs), ms, r.roundsMs.length),
      fmtRate((sizes.clients * sizes.events) / (ms / 1000)),
      fmtRatio(baseMs / ms),
      `${r.serverUsPerDelivery.toFixed(1)} us`,
      fmtRatio(base.serverUsPerDelivery / r.serverUsPerDelivery),
      `${fmtMs(r.latencyP50)} / ${fmtMs(r.latencyP99)}`,
      fmtKb(r.rssPerConn),
      fmtKb(r.heapPerConn),
      pct(r.serverCpu),
      pct(r.clientCpu),
      pct(r.dbCpu),
      pct(r.machineBusy),
    ];
  });
  printTable(
    [
      'variant',
      `connect ${fmtInt(sizes.clients)}`,
      'time',
      'spread',
      'deliveries/s',
      'vs baseline',
      'server CPU/delivery',
      'vs baseline',
      'latency p50 / p99',
      'RSS/conn',
      'heap/conn',
      'server CPU',
      'clients CPU',
      'DB CPU',
      'machine busy',
    ],
    rows,
    [false, ...rows[0]!.slice(1).map(() => true)],
  );
  console.log('(vs baseline: baseline time / variant time = deliveries/s ratio, and baseline CPU / variant CPU per delivery; below 1 = slower)');
  console.log(
    `(latency: publish → frame at a client, every delivery of ${sizes.latencyEvents} events sent ${sizes.latencyGapMs} ms apart; RSS/heap per conn: server-process` +
      ` growth over ${fmtInt(sizes.clients)} idle connections after a full GC — heap includes external buffers. CPU columns: % of one core during the timed` +
      ` rounds — server = this process, clients = the fleet process, DB = the Postgres backends of this database; machine busy = % of all ${os.cpus().length} cores.)`,
  );
  if (!dbMeasured) console.log('(DB CPU n/a: PGlite runs inside the server process, so its work is in "server CPU")');
}

export interface Goal {
  label: string;
  met: boolean;
  detail: string;
}

/** The issue's fan-out goals for one Switchboard variant against the baseline: throughput, p99 latency, idle memory. */
export function fanoutGoals(what: string, sb: VariantResult, base: VariantResult, sizes: FanoutSizes): Goal[] {
  const ratio = median(base.roundsMs) / median(sb.roundsMs);
  const p99 = sb.latencyP99 / base.latencyP99;
  const perConn = Math.max(sb.rssPerConn, sb.heapPerConn);
  return [
    { label: `${what} throughput to ${fmtInt(sizes.clients)} subscribers >= 0.5x the bare baseline`, met: ratio >= 0.5, detail: fmtRatio(ratio) },
    {
      label: `${what} p99 delivery latency <= 2x the bare baseline's`,
      met: p99 <= 2,
      detail: `${fmtMs(sb.latencyP99)} vs ${fmtMs(base.latencyP99)} = ${fmtRatio(p99)}`,
    },
    { label: `${what} memory per idle connection <= 50 KB`, met: perConn <= 50 * 1024, detail: `RSS ${fmtKb(sb.rssPerConn)}, heap ${fmtKb(sb.heapPerConn)} per connection` },
  ];
}

export const goalLine = (g: Goal) => `${g.label}: ${g.detail} — ${g.met ? 'MET' : 'NOT MET'}`;

// ---------------------------------------------------------------------------------------------
// The database behind the Switchboard variants
// ---------------------------------------------------------------------------------------------

export interface BenchDatabase {
  database: Database;
  label: string;
  /** Postgres only: the fresh database's name (for its backends' CPU) and URL. */
  name?: string;
  url?: string;
  close(): Promise<void>;
}

/** A fresh Postgres database when one is available, else PGlite in a temporary directory. */
export async function openBenchDatabase(pg: PgServer | null, tag: string): Promise<BenchDatabase> {
  if (pg) {
    const fresh = await createFreshDatabase(pg.adminUrl);
    const database = await openDatabase({ dataDir: os.tmpdir(), databaseUrl: fresh.url });
    return {
      database,
      label: `Postgres ${pg.version} (fresh database ${fresh.name})`,
      name: fresh.name,
      url: fresh.url,
      async close() {
        await database.close();
        await fresh.drop();
      },
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sb-bench-${tag}-`));
  const rm = () => fs.rmSync(dataDir, { recursive: true, force: true });
  const releaseDir = onCleanup(`remove ${dataDir}`, rm, rm);
  const database = await openDatabase({ dataDir });
  return {
    database,
    label: 'PGlite (no Postgres available)',
    async close() {
      await database.close();
      await releaseDir();
    },
  };
}
