/**
 * 1,000 concurrent chat sessions through one server process (Postgres): the server runs as a child
 * process (`server/main.ts`, ROLE=all, as `npm start` runs it) and a fleet of client processes
 * (lib/session-clients.ts) creates the sessions, follows each one's SSE stream and posts a message
 * to every session at once, whose scripted answer streams back as several text deltas; then again
 * for the next turn. Measured:
 *   - lost or duplicated events: every client checks its stream's seq continuity (1, 2, 3, …);
 *   - the server's peak RSS (VmHWM), against the same process at rest before any session existed;
 *   - database transactions per second (pg_stat_database xact_commit + xact_rollback of the
 *     server's database) while all sessions sit connected and idle, against the same server with no
 *     sessions at all. Postgres publishes a backend's counters up to ~10 s late, so each window
 *     starts only after a settling pause with nothing happening.
 * The baselines are the same server without the sessions: what the sessions themselves cost.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startServerProcess, type ServerProcess } from '@/server/testing/server-process';
import type { SectionOutcome } from './event-append';
import { onCleanup } from './lib/cleanup';
import { config } from './lib/config';
import { createFreshDatabase, type PgServer } from './lib/pg';
import type { Tally } from './lib/session-clients';
import { fmtInt, fmtMs, fmtRatio, heading, printTable } from './lib/table';

const GOAL_RSS_BYTES = 1024 ** 3;
/** "Near zero": what an idle server may spend, independent of how many sessions wait on it. */
const GOAL_IDLE_TPS = 5;
/**
 * A turn's answer, streamed in three pieces: the engine coalesces text arriving within a few
 * milliseconds into one delta event, so the pauses are what make several deltas.
 */
const TURN_SCRIPT = '::say the quick brown fox\n::sleep 60\n::say jumps over\n::sleep 60\n::say the lazy dog';

type FleetReply =
  | { type: 'opened'; ms: number; errors: number; firstError: string }
  | { type: 'turned'; ms: number; errors: number; firstError: string }
  | ({ type: 'report' } & Tally)
  | { type: 'closed' };

/** One client process: a share of the sessions. */
class ClientProcess {
  private waiters: Array<{ type: FleetReply['type']; resolve: (m: FleetReply) => void }> = [];
  private readonly release: () => Promise<void>;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: FleetReply) => {
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
    });
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    this.release = onCleanup('stop session client process', kill, kill);
  }

  static start(): ClientProcess {
    const script = fileURLToPath(new URL('./lib/session-clients.ts', import.meta.url));
    return new ClientProcess(fork(script, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  ask<T extends FleetReply>(command: Record<string, unknown>, reply: T['type'], timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`session clients: no '${reply}' within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ type: reply, resolve: (m) => (clearTimeout(timer), resolve(m as T)) });
      this.child.send(command);
    });
  }

  async close() {
    await this.ask({ type: 'close' }, 'closed', 5000).catch(() => {});
    await this.release();
  }
}

/** The process's resident set now and at its peak, from /proc (Linux); undefined elsewhere. */
function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

const fmtMiB = (bytes: number | undefined) => (bytes !== undefined && Number.isFinite(bytes) ? `${(bytes / 1024 ** 2).toFixed(0)} MiB` : 'n/a');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Table reads (scans) and row writes so far, per table of the server's database. */
async function tableActivity(sql: postgres.Sql): Promise<Map<string, { scans: number; writes: number }>> {
  const rows = await sql<Array<{ t: string; scans: string; writes: string }>>`
    select schemaname || '.' || relname as t, (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::text as scans,
           (n_tup_ins + n_tup_upd + n_tup_del)::text as writes
    from pg_stat_user_tables`;
  return new Map(rows.map((r) => [r.t, { scans: Number(r.scans), writes: Number(r.writes) }]));
}

interface IdleWindow {
  transactionsPerSecond: number;
  /** The busiest tables during the window, as `table scans/writes`: where the idle queries go. */
  busiest: string;
}

/** Transactions per second in the database over a window that starts after a settling pause. */
async function idleWindow(stats: postgres.Sql, inDatabase: postgres.Sql, database: string, settleMs: number, windowMs: number): Promise<IdleWindow> {
  const count = async () => {
    const [row] = await stats<Array<{ x: string }>>`select (xact_commit + xact_rollback)::text as x from pg_stat_database where datname = ${database}`;
    return Number(row!.x);
  };
  await sleep(settleMs);
  const tablesBefore = await tableActivity(inDatabase);
  const before = await count();
  const t0 = performance.now();
  await sleep(windowMs);
  const after = await count();
  const seconds = (performance.now() - t0) / 1000;
  const tablesAfter = await tableActivity(inDatabase);
  const busiest = [...tablesAfter]
    .map(([t, a]) => ({ t, scans: a.scans - (tablesBefore.get(t)?.scans ?? 0), writes: a.writes - (tablesBefore.get(t)?.writes ?? 0) }))
    .filter((d) => d.scans + d.writes > 0)
    .sort((a, b) => b.scans + b.writes - (a.scans + a.writes))
    .slice(0, 5)
    .map((d) => `${d.t} ${d.scans}/${d.writes}`)
    .join(', ');
  // Our own readings are transactions in the same database: one from each side lands inside the window.
  return { transactionsPerSecond: (after - before - 2) / seconds, busiest: busiest || 'none' };
}

export async function benchSessions(pg: PgServer | null): Promise<SectionOutcome> {
  const cfg = config.sessions;
  heading(`${fmtInt(cfg.sessions)} concurrent sessions through one server (Postgres, ${cfg.turns} turn(s) each, ${cfg.processes} client processes)`);
  if (!pg) return { summary: [], failures: ['sessions: skipped, needs Postgres (the idle figure is read from pg_stat_database)'] };

  const db = await createFreshDatabase(pg.adminUrl);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-sessions-'));
  const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  onCleanup('remove sessions bench temp dir', removeTmp, removeTmp);
  const workspace = path.join(tmp, 'workspaces', 'chat');
  fs.mkdirSync(workspace, { recursive: true });
  const token = `bench-admin-${randomBytes(12).toString('hex')}`;
  const stats = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
  const inDatabase = postgres(db.url, { max: 1, onnotice: () => {} });
  onCleanup('close stats connections', async () => {
    await stats.end({ timeout: 2 });
    await inDatabase.end({ timeout: 2 });
  });

  let server: ServerProcess | undefined;
  const clients: ClientProcess[] = [];
  try {
    server = await startServerProcess({
      ROLE: 'all',
      DATABASE_URL: db.url,
      DATA_DIR: path.join(tmp, 'data'),
      WORKSPACE_ROOTS: path.join(tmp, 'workspaces'),
      ADMIN_TOKEN: token,
      LOG_LEVEL: 'error',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    });
    const running = server;
    onCleanup('stop bench server', () => void running.stop('SIGKILL'));
    const pid = server.child.pid!;

    const restingMemory = memoryOf(pid);
    const resting = await idleWindow(stats, inDatabase, db.name, cfg.settleMs, cfg.windowMs);
    const restingTps = resting.transactionsPerSecond;
    console.log(`server at rest: RSS ${fmtMiB(restingMemory?.rss)}, ${restingTps.toFixed(1)} transactions/s (busiest tables, scans/writes: ${resting.busiest})`);

    const share = (i: number) => Math.floor(cfg.sessions / cfg.processes) + (i < cfg.sessions % cfg.processes ? 1 : 0);
    for (let i = 0; i < cfg.processes; i++) clients.push(ClientProcess.start());
    const opened = await Promise.all(
      clients.map((c, i) => c.ask<Extract<FleetReply, { type: 'opened' }>>({ type: 'open', url: server!.url, token, workspace, sessions: share(i) }, 'opened', cfg.timeoutMs)),
    );
    const openErrors = opened.reduce((n, o) => n + o.errors, 0);
    console.log(`${fmtInt(cfg.sessions)} sessions created and followed in ${fmtMs(Math.max(...opened.map((o) => o.ms)))}${openErrors ? ` (${openErrors} errors, first: ${opened.find((o) => o.firstError)?.firstError})` : ''}`);

    const turnTimes: number[] = [];
    let turnErrors = 0;
    let firstTurnError = '';
    for (let t = 0; t < cfg.turns; t++) {
      const turned = await Promise.all(clients.map((c) => c.ask<Extract<FleetReply, { type: 'turned' }>>({ type: 'turn', text: TURN_SCRIPT }, 'turned', cfg.timeoutMs)));
      turnTimes.push(Math.max(...turned.map((r) => r.ms)));
      turnErrors = turned.reduce((n, r) => n + r.errors, 0);
      firstTurnError ||= turned.find((r) => r.firstError)?.firstError ?? '';
      console.log(`turn ${t + 1}: every session's answer streamed and ended in ${fmtMs(turnTimes.at(-1)!)}`);
    }

    const idle = await idleWindow(stats, inDatabase, db.name, cfg.settleMs, cfg.windowMs);
    const idleTps = idle.transactionsPerSecond;
    console.log(`sessions idle-waiting: ${idleTps.toFixed(1)} transactions/s (busiest tables, scans/writes: ${idle.busiest})`);
    const memory = memoryOf(pid);
    const reports = await Promise.all(clients.map((c) => c.ask<Extract<FleetReply, { type: 'report' }>>({ type: 'report' }, 'report', 10_000)));
    const sum = (k: keyof Tally) => reports.reduce((n, r) => n + r[k], 0);
    const lost = sum('gaps');
    const duplicated = sum('duplicates');
    const expectedTurns = sum('sessions') * cfg.turns;

    printTable(
      ['figure', `${fmtInt(cfg.sessions)} sessions`, 'baseline: same server, no sessions', 'ratio', 'goal'],
      [
        ['server peak RSS', fmtMiB(memory?.peak), fmtMiB(restingMemory?.rss), fmtRatio((memory?.peak ?? NaN) / (restingMemory?.rss ?? NaN)), '< 1 GiB'],
        ['server RSS, sessions idle', fmtMiB(memory?.rss), fmtMiB(restingMemory?.rss), fmtRatio((memory?.rss ?? NaN) / (restingMemory?.rss ?? NaN)), ''],
        ['DB transactions/s while idle-waiting', idleTps.toFixed(1), restingTps.toFixed(1), `+${Math.max(0, idleTps - restingTps).toFixed(1)}/s`, `near zero (<= ${GOAL_IDLE_TPS}/s)`],
        ['events received (of them text deltas)', `${fmtInt(sum('frames'))} (${fmtInt(sum('textDeltas'))})`, '', '', ''],
        ['lost / duplicated events', `${fmtInt(lost)} / ${fmtInt(duplicated)}`, '', '', '0 / 0'],
        ['turns ended / expected (failed)', `${fmtInt(sum('turnsEnded'))} / ${fmtInt(expectedTurns)} (${fmtInt(sum('turnsFailed'))})`, '', '', ''],
        ['streams still open at the end', `${fmtInt(sum('connected'))} / ${fmtInt(sum('sessions'))}`, '', '', ''],
      ],
      [false, true, true, true, false],
    );
    if (turnErrors || openErrors) console.log(`client errors: ${openErrors + turnErrors} (first: ${opened.find((o) => o.firstError)?.firstError || firstTurnError})`);

    const complete = sum('sessions') === cfg.sessions && sum('turnsEnded') === expectedTurns && sum('turnsFailed') === 0 && !openErrors && !turnErrors;
    const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    const summary = [
      `sessions: ${fmtInt(cfg.sessions)} sessions x ${cfg.turns} turn(s), ${fmtInt(sum('frames'))} events: lost ${lost}, duplicated ${duplicated}, turns ended ${sum('turnsEnded')}/${expectedTurns} (goal 0 lost or duplicated, every turn ended: ${met(lost === 0 && duplicated === 0 && complete)})`,
      `sessions: server peak RSS ${fmtMiB(memory?.peak)} (at rest ${fmtMiB(restingMemory?.rss)}; goal < 1 GiB: ${memory ? met(memory.peak < GOAL_RSS_BYTES) : 'not measured (no /proc)'})`,
      // The server's own background work (queue polling, the lease sweep) is the "no sessions" figure: what the sessions add is the difference.
      `sessions: DB ${idleTps.toFixed(1)} transactions/s with ${fmtInt(cfg.sessions)} sessions idle-waiting, of which the server with no sessions spends ${restingTps.toFixed(1)}/s (goal near zero, <= ${GOAL_IDLE_TPS}/s: ${met(idleTps <= GOAL_IDLE_TPS)})`,
    ];
    return { summary, failures: complete ? [] : [`sessions: ${expectedTurns - sum('turnsEnded')} turn(s) did not end, ${sum('turnsFailed')} failed, ${openErrors + turnErrors} client error(s)`] };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop('SIGKILL');
    await db.drop();
  }
}
