/**
 * Postgres for the benches: the server named by $DATABASE_URL, or else a throw-away cluster from
 * scripts/pg-cluster.sh (fsync off, loopback only). Either way each bench run gets a fresh database
 * of its own, dropped at the end, so runs never see each other's rows or table bloat.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { onCleanup } from './cleanup';

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLUSTER_SCRIPT = path.join(REPO_ROOT, 'scripts', 'pg-cluster.sh');

export interface PgServer {
  adminUrl: string;
  /** Human description for the report (never includes a password). */
  source: string;
  version: string;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Undo bash's printf %q quoting for the simple values pg-cluster.sh prints (paths and URLs). */
function unquote(v: string): string {
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v.replace(/\\(.)/g, '$1');
}

async function serverVersion(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const [row] = await sql`show server_version`;
    return String(row?.server_version ?? '?');
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** `{ unavailable: reason }` when there is no DATABASE_URL and no usable local Postgres binaries. */
export async function acquirePostgres(): Promise<PgServer | { unavailable: string }> {
  const envUrl = process.env.DATABASE_URL;
  if (envUrl) return { adminUrl: envUrl, source: `$DATABASE_URL (${redact(envUrl)})`, version: await serverVersion(envUrl) };

  if (spawnSync('bash', [CLUSTER_SCRIPT, 'available'], { stdio: 'ignore' }).status !== 0) {
    return { unavailable: 'no $DATABASE_URL and no PostgreSQL server binaries (scripts/pg-cluster.sh available failed)' };
  }
  let out: string;
  try {
    ({ stdout: out } = await run('bash', [CLUSTER_SCRIPT, 'start'], { cwd: REPO_ROOT }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { unavailable: `scripts/pg-cluster.sh start failed: ${(e.stderr || e.message).trim()}` };
  }
  const vars: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = unquote(m[2]!);
  }
  const dir = vars.PG_CLUSTER_DIR;
  const url = vars.DATABASE_URL;
  if (!dir || !url) return { unavailable: `could not parse scripts/pg-cluster.sh output: ${out}` };
  // Stopping is synchronous so the same function doubles as the at-exit fallback.
  const stop = () => {
    spawnSync('bash', [CLUSTER_SCRIPT, 'stop', dir], { stdio: 'ignore', env: { ...process.env, PG_CLUSTER_BINDIR: vars.PG_CLUSTER_BINDIR ?? '' } });
  };
  onCleanup('stop Postgres cluster', stop, stop);
  return { adminUrl: url, source: `throw-away cluster via scripts/pg-cluster.sh in ${dir} (fsync=off, synchronous_commit=off), ${url}`, version: await serverVersion(url) };
}

export interface FreshDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createFreshDatabase(adminUrl: string): Promise<FreshDatabase> {
  const name = `sb_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const drop = onCleanup(`drop database ${name}`, async () => {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await sql.end({ timeout: 2 });
    }
  });
  return { url: u.toString(), name, drop };
}

/** pgbench from PATH, else the newest Debian-layout install. */
export function findPgbench(): string | null {
  const which = spawnSync('bash', ['-c', 'command -v pgbench'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pgbench')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] ? path.join(root, versions[0], 'bin', 'pgbench') : null;
}

export interface PgbenchResult {
  tps: number;
  transactions: number;
  latencyMs: number;
  command: string;
}

/**
 * One time-boxed pgbench run of a custom script (-n: no vacuum of pgbench's own tables, which we
 * do not create; -M prepared: postgres.js also uses the extended protocol with named statements).
 */
export async function runPgbench(
  bin: string,
  url: string,
  script: string,
  clients: number,
  seconds: number,
  defines: Record<string, string> = {},
): Promise<PgbenchResult> {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'sb-pgbench-'));
  try {
    const file = path.join(dir, 'insert.sql');
    fs.writeFileSync(file, script);
    const args = ['-n', '-M', 'prepared', '-f', file, '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds)];
    for (const [k, v] of Object.entries(defines)) args.push('-D', `${k}=${v}`);
    args.push(url);
    const { stdout } = await run(bin, args, { maxBuffer: 1 << 20 });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
    const tx = /number of transactions actually processed: (\d+)/.exec(stdout);
    const lat = /latency average = ([\d.]+) ms/.exec(stdout);
    if (!tps) throw new Error(`could not parse pgbench output:\n${stdout}`);
    return {
      tps: Number(tps[1]),
      transactions: tx ? Number(tx[1]) : Number.NaN,
      latencyMs: lat ? Number(lat[1]) : Number.NaN,
      // Long -D values (the JSON payload) are elided so the command fits in a table cell.
      command: `pgbench ${args
        .slice(0, -1)
        .map((a) => (a === file ? 'insert.sql' : a.length > 24 ? `${a.slice(0, a.indexOf('=') + 1)}…` : a))
        .join(' ')} <db>`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
