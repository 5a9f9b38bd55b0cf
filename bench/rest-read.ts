/**
 * The hot REST read, measured as a client sees it: `GET /agentd/v1/runs/{id}` with an API key,
 * autocannon with 64 connections against Switchboard running as its own process (`node --import
 * tsx server/main.ts`, production mode, dashboard off, request budgets off), side by side with a bare
 * node:http + postgres.js server over the same database (bench/lib/bare-rest-server.ts). Phases
 * alternate between the two (and swap order every round) so drifting machine load hits both alike.
 *
 * On PGlite there is no separate database server to compare with: the same request with an API key
 * is set against the admin token (no credential lookup at all) and `/healthz` (the HTTP layer alone).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SectionOutcome } from './event-append';
import { freePort, startChildServer, type ChildServer } from './lib/child-server';
import { onCleanup } from './lib/cleanup';
import { config } from './lib/config';
import { load, type LoadResult } from './lib/load';
import { createFreshDatabase, type PgServer } from './lib/pg';
import { fmtInt, fmtMs, fmtRatio, heading, printTable } from './lib/table';
import { median } from './lib/timing';

const GOAL_RPS_RATIO = 0.35;
const GOAL_P99_FACTOR = 3;

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** The process answering, for its CPU time per request. */
  server: ChildServer;
}

interface Round extends LoadResult {
  cpuUsPerRequest: number;
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerRequest: number;
  rounds: Round[];
}

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onCleanup(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }), () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A Switchboard process, and the data directory its workspaces sit under. */
async function startSwitchboard(name: string, databaseUrl?: string): Promise<{ server: ChildServer; dataDir: string }> {
  const dataDir = tempDir('sb-bench-rest-');
  const port = await freePort();
  const server = await startChildServer(
    name,
    'server/main.ts',
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WORKSPACE_ROOTS: path.join(dataDir, 'workspaces'),
      ADMIN_TOKEN,
      SWITCHBOARD_NO_DASHBOARD: '1',
      LOG_LEVEL: 'error',
      RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
      DATABASE_URL: databaseUrl,
    },
    { port, readyPath: '/healthz' },
  );
  return { server, dataDir };
}

async function call(server: ChildServer, method: string, pathname: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A read-only API key and a finished run (a few steps) for the key's owner to read. */
async function seed(server: ChildServer, dataDir: string): Promise<{ key: string; runId: string }> {
  const { key } = (await call(server, 'POST', '/v1/auth/keys', { name: 'bench', scopes: ['runs:read'] })) as { key: string };
  const workspace = path.join(dataDir, 'workspaces', 'bench');
  fs.mkdirSync(workspace, { recursive: true });
  const { run_id: runId } = (await call(server, 'POST', '/agentd/v1/runs', { workspace_path: workspace, prompt: '::say hello\n::say from the bench' })) as { run_id: string };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await call(server, 'GET', `/agentd/v1/runs/${runId}`);
    if (run.status === 'succeeded') break;
    if (Date.now() > deadline || run.status === 'failed') throw new Error(`seed run ended ${String(run.status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { key, runId };
}

/** Warm-up each target, then `rounds` interleaved measured phases (order swapped every round). */
async function measure(targets: Target[]): Promise<Measured[]> {
  const { connections, seconds, warmupSeconds, rounds } = config.rest;
  for (const t of targets) await load(t.url, { connections, seconds: warmupSeconds, headers: t.headers });
  const results = new Map<string, Round[]>(targets.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      const cpu0 = t.server.cpuMs();
      const got = await load(t.url, { connections, seconds, headers: t.headers });
      const cpuUsPerRequest = ((t.server.cpuMs() - cpu0) * 1000) / got.requests;
      if (got.failed) throw new Error(`${t.name}: ${got.failed} of ${got.requests} requests failed (non-2xx, error or timeout)`);
      results.get(t.name)!.push({ ...got, cpuUsPerRequest });
    }
  }
  return targets.map((t) => {
    const rs = results.get(t.name)!;
    const med = (pick: (x: Round) => number) => median(rs.map(pick));
    return { name: t.name, rps: med((x) => x.rps), p50: med((x) => x.p50), p99: med((x) => x.p99), cpuUsPerRequest: med((x) => x.cpuUsPerRequest), rounds: rs };
  });
}

function printMeasured(rows: Measured[], baseline: Measured): void {
  printTable(
    ['case', 'req/s (median)', 'rounds req/s', 'p50', 'p99', 'server CPU/req', 'req/s ratio', 'p99 factor'],
    rows.map((m) => [
      m.name,
      fmtInt(m.rps),
      m.rounds.map((x) => fmtInt(x.rps)).join(' / '),
      fmtMs(m.p50),
      fmtMs(m.p99),
      `${fmtInt(m.cpuUsPerRequest)} us`,
      m === baseline ? '(baseline)' : fmtRatio(m.rps / baseline.rps),
      m === baseline ? '' : `${(m.p99 / baseline.p99).toFixed(2)}x`,
    ]),
  );
}

async function benchPostgres(pg: PgServer): Promise<string[]> {
  heading(`REST read on Postgres: GET /agentd/v1/runs/{id} with an API key, ${config.rest.connections} connections, ${config.rest.seconds} s phases x ${config.rest.rounds} rounds`);
  const db = await createFreshDatabase(pg.adminUrl);
  const { server: switchboard, dataDir } = await startSwitchboard('switchboard (postgres)', db.url);
  const { key, runId } = await seed(switchboard, dataDir);
  const port = await freePort();
  const bare = await startChildServer('bare baseline', 'bench/lib/bare-rest-server.ts', { DATABASE_URL: db.url, PORT: String(port) }, { port, readyPath: '/healthz' });
  try {
    const auth = { authorization: `Bearer ${key}` };
    const [sb, base] = await measure([
      { name: 'Switchboard GET /agentd/v1/runs/{id}, API key', url: `${switchboard.url}/agentd/v1/runs/${runId}`, headers: auth, server: switchboard },
      { name: 'bare node:http + postgres.js (key lookup + run row)', url: `${bare.url}/v1/runs/${runId}`, headers: auth, server: bare },
    ]);
    printMeasured([sb!, base!], base!);
    const ratio = sb!.rps / base!.rps;
    const p99Factor = sb!.p99 / base!.p99;
    return [
      `rest (Postgres): GET /agentd/v1/runs/{id} with an API key ${fmtInt(sb!.rps)} req/s vs bare ${fmtInt(base!.rps)} req/s = ${fmtRatio(ratio)} (goal >= ${GOAL_RPS_RATIO}x): ${ratio >= GOAL_RPS_RATIO ? 'MET' : 'NOT MET'}`,
      `rest (Postgres): p99 ${fmtMs(sb!.p99)} vs bare ${fmtMs(base!.p99)} = ${p99Factor.toFixed(2)}x (goal <= ${GOAL_P99_FACTOR}x): ${p99Factor <= GOAL_P99_FACTOR ? 'MET' : 'NOT MET'}`,
      `rest (Postgres): server CPU per request ${fmtInt(sb!.cpuUsPerRequest)} us vs bare ${fmtInt(base!.cpuUsPerRequest)} us = ${fmtRatio(base!.cpuUsPerRequest / sb!.cpuUsPerRequest)} (informational: what req/s would be on an idle machine with the database elsewhere)`,
    ];
  } finally {
    await bare.stop();
    await switchboard.stop();
    await db.drop();
  }
}

async function benchPglite(): Promise<string[]> {
  heading(`REST read on PGlite: API key vs admin token vs /healthz, ${config.rest.connections} connections, ${config.rest.seconds} s phases x ${config.rest.rounds} rounds`);
  const { server: switchboard, dataDir } = await startSwitchboard('switchboard (pglite)');
  try {
    const { key, runId } = await seed(switchboard, dataDir);
    const runUrl = `${switchboard.url}/agentd/v1/runs/${runId}`;
    const [withKey, withAdmin, health] = await measure([
      { name: 'GET /agentd/v1/runs/{id}, API key', url: runUrl, headers: { authorization: `Bearer ${key}` }, server: switchboard },
      { name: 'GET /agentd/v1/runs/{id}, admin token', url: runUrl, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, server: switchboard },
      { name: 'GET /healthz', url: `${switchboard.url}/healthz`, server: switchboard },
    ]);
    printMeasured([withKey!, withAdmin!, health!], health!);
    // The issue sets no PGlite goal: these show what an API key adds over no lookup at all, and
    // what the request pipeline costs beyond the HTTP layer, in server CPU per request.
    return [
      `rest (PGlite, informational): API key ${fmtInt(withKey!.rps)} req/s (${fmtInt(withKey!.cpuUsPerRequest)} us CPU/req), admin token ${fmtInt(withAdmin!.rps)} req/s (${fmtInt(withAdmin!.cpuUsPerRequest)} us), /healthz ${fmtInt(health!.rps)} req/s (${fmtInt(health!.cpuUsPerRequest)} us); before this work an API key cost 2.5x the admin token, now ${(withKey!.cpuUsPerRequest / withAdmin!.cpuUsPerRequest).toFixed(2)}x in CPU`,
    ];
  } finally {
    await switchboard.stop();
  }
}

export async function benchRestRead(pg: PgServer | null): Promise<SectionOutcome> {
  const summary: string[] = [];
  const failures: string[] = [];
  if (pg) {
    try {
      summary.push(...(await benchPostgres(pg)));
    } catch (err) {
      failures.push(`rest (Postgres): ${(err as Error).message}`);
    }
  } else {
    failures.push('rest (Postgres): skipped, no Postgres');
  }
  try {
    summary.push(...(await benchPglite()));
  } catch (err) {
    failures.push(`rest (PGlite): ${(err as Error).message}`);
  }
  return { summary, failures };
}
