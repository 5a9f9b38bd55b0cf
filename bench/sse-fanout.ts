/**
 * SSE fan-out to 1,000 subscribers: Switchboard's SSE writer (writeSse → followStream → bus) against
 * a bare node:http broadcaster (a Set of responses, each message res.write-n to all of them).
 *
 * For each variant: a node:http server on 127.0.0.1 (port 0), 1,000 client connections from a
 * separate process, a warm-up burst that also proves every client is live, then timed rounds of M
 * events. Time runs from just before the first publish until the client process reports that every
 * client has counted every `id:` frame. Variants:
 *   - baseline: the bare broadcaster writes M pre-formatted frames;
 *   - Switchboard, bus only: the M events are inserted first (one transaction, untimed), then the
 *     timed part is one bus.publish([...]) — fan-out cost alone;
 *   - control: the bare broadcaster, but awaiting one raw INSERT before each event — paced by a DB
 *     round trip like the next row, so that row's ratio can be read without the DB in it;
 *   - Switchboard, append per event: M sequential inTransaction appends, each publishing on the bus
 *     after commit — what a run emitting events actually does, so it includes a DB write per event.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { openDatabase, type Database } from '@/db/client';
import type { StoredEvent } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { createEventBus, type EventBus } from '@/server/stream/bus';
import { sseStream, writeSse } from '@/server/stream/sse';
import { onCleanup } from './lib/cleanup';
import { config } from './lib/config';
import { createFreshDatabase, type PgServer } from './lib/pg';
import { fmtInt, fmtMs, fmtRate, fmtRatio, fmtSpread, heading, printTable } from './lib/table';
import { median, now } from './lib/timing';
import type { SectionOutcome } from './event-append';

const TYPE = 'bench.tick';
const payload = (i: number) => ({ i, kind: 'tick', text: 'the quick brown fox jumps over the lazy dog', ok: true });

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');

function ulimitN(): string {
  const r = spawnSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  return r.stdout.trim() || '?';
}

// ---------------------------------------------------------------------------------------------
// The client fleet (child process, see lib/sse-clients.ts)
// ---------------------------------------------------------------------------------------------

type FleetMsg =
  | { type: 'opened'; ms: number; errors: number; firstError: string }
  | { type: 'reached'; target: number; cpuMs: number }
  | { type: 'status'; min: number; max: number; reached: number; clients: number }
  | { type: 'closed' };

class Fleet {
  private waiters: Array<{ type: FleetMsg['type']; match?: (m: FleetMsg) => boolean; resolve: (m: FleetMsg, at: number) => void }> = [];
  private exited = false;
  private release: () => Promise<void>;

  constructor(private child: ChildProcess) {
    child.on('message', (m: FleetMsg) => {
      // Stamp arrival first: this is the "every client has every event" instant on our clock.
      const at = now();
      const i = this.waiters.findIndex((w) => w.type === m.type && (!w.match || w.match(m)));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m, at);
    });
    child.on('exit', () => {
      this.exited = true;
    });
    const kill = () => {
      if (!this.exited) child.kill('SIGKILL');
    };
    this.release = onCleanup('stop SSE client process', kill, kill);
  }

  static start(): Fleet {
    const script = fileURLToPath(new URL('./lib/sse-clients.ts', import.meta.url));
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

  /**
   * Resolves with our performance.now() when every client has counted `target` id frames, and the
   * CPU time the fleet spent getting there.
   */
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

  async status() {
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
// Variants
// ---------------------------------------------------------------------------------------------

interface Variant {
  name: string;
  server: http.Server;
  /** Untimed preparation for a round of `count` events (e.g. inserting them). */
  prepare?: (count: number) => Promise<unknown>;
  /** The timed part: make `count` events go out to every client. */
  publish: (count: number, prepared: unknown) => Promise<void> | void;
}

interface VariantResult {
  name: string;
  connectMs: number;
  roundsMs: number[];
  /** CPU use during the timed rounds as a share of wall time: this process (the server), the client fleet, the whole machine. */
  serverCpu: number;
  clientCpu: number;
  dbCpu: number;
  machineBusy: number;
  /** Server-process CPU per delivery (µs): unlike wall time, barely moved by other load on the machine. */
  serverUsPerDelivery: number;
}

let clockTicks = 0;
/**
 * CPU ms used so far by the Postgres backends serving database `dbName` (Linux /proc, local server
 * only): their process titles name the database ("postgres: user db 127.0.0.1(port) idle").
 * Backends are pooled and long-lived, so a before/after difference is the database's share of a round.
 */
function dbBackendsCpuMs(dbName: string | undefined): number {
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
function machineTicks(): { busy: number; total: number } | null {
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

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A backlog above the fleet size (the kernel caps it at somaxconn) so no SYN is dropped.
    server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}/events`);
    });
  });
}

async function closeServer(server: http.Server) {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A variant with its server listening and its client fleet connected, warmed up, between rounds. */
interface Live {
  v: Variant;
  fleet: Fleet;
  releaseServer: () => Promise<void>;
  connectMs: number;
  target: number;
  roundsMs: number[];
  serverCpuMs: number;
  clientCpuMs: number;
  dbCpuMs: number;
  busy: number;
  total: number;
}

async function setUp(v: Variant): Promise<Live> {
  const c = config.sse;
  const url = await listen(v.server);
  const releaseServer = onCleanup(`close ${v.name} server`, () => closeServer(v.server));
  const fleet = Fleet.start();
  const live: Live = { v, fleet, releaseServer, connectMs: 0, target: 0, roundsMs: [], serverCpuMs: 0, clientCpuMs: 0, dbCpuMs: 0, busy: 0, total: 0 };
  try {
    const opened = await fleet.open(url, c.clients, c.timeoutMs);
    if (opened.errors > 0) {
      const hint = /EMFILE/.test(opened.firstError) ? ` (EMFILE: ulimit -n is ${ulimitN()}; nothing was raised system-wide)` : '';
      throw new Error(`${opened.errors}/${c.clients} client connections failed: ${opened.firstError}${hint}`);
    }
    live.connectMs = opened.ms;
    // Warm-up burst: JIT for the whole path (server and fleet), and a barrier — once every client has
    // these frames, every Switchboard reader has finished its replay query and follows the bus live.
    live.target = c.warmupEvents;
    const wait = fleet.awaitAll(live.target, c.timeoutMs);
    await v.publish(c.warmupEvents, await v.prepare?.(c.warmupEvents));
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

async function runRound(live: Live, dbName: string | undefined) {
  const c = config.sse;
  const { v, fleet } = live;
  const prepared = await v.prepare?.(c.events);
  // Let the previous round's garbage and socket buffers settle so every round starts alike.
  await new Promise((resolve) => setTimeout(resolve, 100));
  live.target += c.events;
  const wait = fleet.awaitAll(live.target, c.timeoutMs);
  const ticks0 = machineTicks();
  const db0 = dbBackendsCpuMs(dbName);
  const cpu0 = process.cpuUsage();
  const t0 = now();
  await v.publish(c.events, prepared);
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

function resultOf(live: Live): VariantResult {
  const c = config.sse;
  const wall = live.roundsMs.reduce((a, b) => a + b, 0);
  return {
    name: live.v.name,
    connectMs: live.connectMs,
    roundsMs: live.roundsMs,
    serverUsPerDelivery: (live.serverCpuMs * 1000) / (live.roundsMs.length * c.events * c.clients),
    serverCpu: live.serverCpuMs / wall,
    clientCpu: live.clientCpuMs / wall,
    dbCpu: live.dbCpuMs / wall,
    machineBusy: live.total ? live.busy / live.total : Number.NaN,
  };
}

/**
 * All variants are connected at once (4 x 1,000 client sockets) and their rounds interleave,
 * rotating who goes first, so a noisy stretch of a shared machine hits every variant rather than one.
 * Idle variants cost nothing but a heartbeat timer per Switchboard connection.
 */
async function runVariants(variants: Variant[], dbName: string | undefined): Promise<VariantResult[]> {
  const c = config.sse;
  const lives: Live[] = [];
  try {
    for (const v of variants) {
      console.log(`[sse] connect ${fmtInt(c.clients)} clients + ${c.warmupEvents} warm-up events: ${v.name}`);
      lives.push(await setUp(v));
    }
    for (let r = 0; r < c.rounds; r++) {
      console.log(`[sse] round ${r + 1}/${c.rounds}: ${c.events} events to each variant's ${fmtInt(c.clients)} clients`);
      for (let k = 0; k < lives.length; k++) await runRound(lives[(k + r) % lives.length]!, dbName);
    }
    return lives.map(resultOf);
  } finally {
    for (const live of lives) await tearDown(live);
  }
}

/**
 * The bare broadcaster: the least a node:http SSE server can do per message. With `insert`, it
 * first awaits one raw INSERT per event (no seq reservation, no global copy) — the control for the
 * append-per-event row, paced by a DB round trip just like it.
 */
function baselineVariant(insert?: (seq: number, data: unknown) => Promise<unknown>): Variant {
  const subscribers = new Set<http.ServerResponse>();
  const server = http.createServer((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.write(': stream open\n\n');
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
  });
  let seq = 0;
  const broadcast = (i: number) => {
    // Same frame shape Switchboard writes: id, event, one data line.
    const frame = `id: ${++seq}\nevent: ${TYPE}\ndata: ${JSON.stringify(payload(i))}\n\n`;
    for (const res of subscribers) res.write(frame);
  };
  if (!insert) {
    return {
      name: 'bare node:http broadcaster (baseline)',
      server,
      publish(count) {
        for (let i = 0; i < count; i++) broadcast(i);
      },
    };
  }
  return {
    name: 'bare broadcaster + raw INSERT per event (control)',
    server,
    async publish(count) {
      for (let i = 0; i < count; i++) {
        await insert(seq + 1, payload(i));
        broadcast(i);
      }
    },
  };
}

/** Switchboard's SSE endpoint minus routing/auth: the descriptor a streaming procedure returns, handed to writeSse. */
function switchboardServer(deps: { db: Database['db']; bus: EventBus }, streamId: string): http.Server {
  return http.createServer((_req, res) => {
    void writeSse(res, sseStream({ streamId, fromSeq: 1, frame: (e) => ({ event: e.type, data: e.data }), shape: 'bench' }), deps).catch(() => {});
  });
}

function switchboardBusVariant(deps: { db: Database['db']; bus: EventBus }, streamId: string): Variant {
  return {
    name: 'Switchboard writeSse, bus.publish of pre-inserted events (fan-out only)',
    server: switchboardServer(deps, streamId),
    // Insert the round's events in one transaction through the real append path, but capture what
    // inTransaction would publish instead of publishing it; the timed part publishes that batch.
    async prepare(count) {
      const captured: StoredEvent[] = [];
      const capture: EventBus = { ...deps.bus, publish: (events) => void captured.push(...events) };
      await inTransaction({ db: deps.db, bus: capture }, async (_tx, emit) => {
        for (let i = 0; i < count; i++) await emit(streamId, { type: TYPE, data: payload(i) });
      });
      return captured;
    },
    publish(_count, prepared) {
      deps.bus.publish(prepared as StoredEvent[]);
    },
  };
}

function switchboardAppendVariant(deps: { db: Database['db']; bus: EventBus }, streamId: string): Variant {
  return {
    name: 'Switchboard writeSse, inTransaction per event (DB write + fan-out)',
    server: switchboardServer(deps, streamId),
    async publish(count) {
      for (let i = 0; i < count; i++) await inTransaction(deps, (_tx, emit) => emit(streamId, { type: TYPE, data: payload(i) }));
    },
  };
}

// ---------------------------------------------------------------------------------------------

export async function benchSseFanout(pg: PgServer | null): Promise<SectionOutcome> {
  const c = config.sse;
  let database: Database | undefined;
  let dbLabel: string;
  let dropDb: (() => Promise<void>) | undefined;
  let releaseDir: (() => Promise<void>) | undefined;
  let closeRaw: (() => Promise<void>) | undefined;
  let dbUrl: string | undefined;
  let dbName: string | undefined;
  try {
    if (pg) {
      const fresh = await createFreshDatabase(pg.adminUrl);
      dropDb = fresh.drop;
      dbUrl = fresh.url;
      dbName = fresh.name;
      database = await openDatabase({ dataDir: os.tmpdir(), databaseUrl: fresh.url });
      dbLabel = `Postgres ${pg.version} (fresh database ${fresh.name})`;
    } else {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-sse-'));
      const rm = () => fs.rmSync(dataDir, { recursive: true, force: true });
      releaseDir = onCleanup(`remove ${dataDir}`, rm, rm);
      database = await openDatabase({ dataDir });
      dbLabel = 'PGlite (no Postgres available)';
    }
    const deps = { db: database.db, bus: createEventBus() };

    // The control's raw insert: same database, same columns and keys as `event`.
    let insert: (seq: number, data: unknown) => Promise<unknown>;
    if (database.pglite) {
      const pglite = database.pglite;
      await pglite.exec('create table bench_sse (like event including all)');
      insert = (seq, data) => pglite.query('insert into bench_sse (stream_id, seq, type, data) values ($1, $2, $3, $4::jsonb)', ['sse:control', seq, TYPE, JSON.stringify(data)]);
    } else {
      const sql = postgres(dbUrl!, { max: 2, onnotice: () => {} });
      closeRaw = () => sql.end({ timeout: 5 });
      await sql`create table bench_sse (like event including all)`;
      insert = (seq, data) => sql`insert into bench_sse (stream_id, seq, type, data) values ('sse:control', ${seq}, ${TYPE}, ${JSON.stringify(data)}::jsonb)`;
    }

    console.log('');
    const results = await runVariants(
      [baselineVariant(), switchboardBusVariant(deps, 'sse:bus'), baselineVariant(insert), switchboardAppendVariant(deps, 'sse:append')],
      dbName,
    );

    heading(`SSE fan-out — ${fmtInt(c.clients)} subscribers on 127.0.0.1, ${c.events} events per round, ${c.rounds} round(s)`);
    console.log(`database for Switchboard: ${dbLabel}; clients: one node process per variant (http.Agent keepAlive, maxSockets ${c.clients + 16}).`);
    console.log('all variants stay connected; rounds interleave (rotating order) after a warm-up burst per variant.');
    console.log('time = first publish until every client has counted every id: frame (median of rounds); deliveries = clients x events.');
    console.log('NOTE: the "inTransaction per event" row includes one DB transaction per event (sequential, 2 rows each); the bus-only row');
    console.log('isolates fan-out; the control row is the bare broadcaster paced by one raw INSERT per event.\n');
    const base = results[0]!;
    const baseMs = median(base.roundsMs);
    const rows = results.map((r) => {
      const ms = median(r.roundsMs);
      const deliveries = (c.clients * c.events) / (ms / 1000);
      return [
        r.name,
        fmtMs(r.connectMs),
        fmtMs(ms),
        fmtSpread(Math.min(...r.roundsMs), Math.max(...r.roundsMs), ms, r.roundsMs.length),
        fmtRate(deliveries),
        fmtRatio(baseMs / ms),
        `${r.serverUsPerDelivery.toFixed(1)} us`,
        fmtRatio(base.serverUsPerDelivery / r.serverUsPerDelivery),
        pct(r.serverCpu),
        pct(r.clientCpu),
        pct(r.dbCpu),
        pct(r.machineBusy),
      ];
    });
    printTable(
      ['variant', `connect ${fmtInt(c.clients)}`, 'time', 'spread', 'deliveries/s', 'vs baseline', 'server CPU/delivery', 'vs baseline', 'server CPU', 'clients CPU', 'DB CPU', 'machine busy'],
      rows,
      [false, true, true, true, true, true, true, true, true, true, true, true],
    );
    console.log('(vs baseline: baseline time / variant time = deliveries/s ratio, and baseline CPU / variant CPU per delivery; below 1 = slower)');
    console.log(
      `(CPU columns: % of one core during the timed rounds — server = this process (can pass 100%: GC and libuv threads), clients = the` +
        ` fleet process, DB = the Postgres backends of this database; machine busy = % of all ${os.cpus().length} cores, whoever used them.` +
        ` CPU per delivery is the less noisy comparison when the machine is shared.)`,
    );
    if (!dbName) console.log('(DB CPU n/a: PGlite runs inside the server process, so its work is in "server CPU")');

    const line = (r: VariantResult, label: string) => {
      const ms = median(r.roundsMs);
      return (
        `SSE fan-out ${label}: ${fmtMs(ms)} for ${fmtInt(c.clients * c.events)} deliveries (${fmtRate((c.clients * c.events) / (ms / 1000))}) vs baseline ${fmtMs(baseMs)} = ${fmtRatio(baseMs / ms)};` +
        ` server CPU ${r.serverUsPerDelivery.toFixed(1)} vs ${base.serverUsPerDelivery.toFixed(1)} us/delivery = ${fmtRatio(base.serverUsPerDelivery / r.serverUsPerDelivery)}`
      );
    };
    const control = median(results[2]!.roundsMs);
    const append = median(results[3]!.roundsMs);
    const ctl = results[2]!;
    const app = results[3]!;
    const vsControl =
      `SSE fan-out Switchboard append-per-event vs bare broadcaster + raw INSERT per event: ${fmtMs(append)} vs ${fmtMs(control)} = ${fmtRatio(control / append)};` +
      ` server CPU ${app.serverUsPerDelivery.toFixed(1)} vs ${ctl.serverUsPerDelivery.toFixed(1)} us/delivery = ${fmtRatio(ctl.serverUsPerDelivery / app.serverUsPerDelivery)}`;
    console.log(vsControl.replace('SSE fan-out ', ''));
    return { summary: [line(results[1]!, 'Switchboard bus-only'), line(results[3]!, 'Switchboard append-per-event (incl. DB)'), vsControl], failures: [] };
  } finally {
    await closeRaw?.();
    await database?.close();
    await dropDb?.();
    await releaseDir?.();
  }
}
