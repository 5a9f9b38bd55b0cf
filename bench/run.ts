/**
 * `npm run bench`: every performance figure of the project measured against a baseline taken in the
 * same run on the same machine, printed as ratios (a benchmark, not a pass/fail test: absolute
 * numbers depend on the box, ratios much less).
 *
 *   BENCH_QUICK=1   smaller counts, fewer rounds: a smoke run of every code path
 *   BENCH_ONLY=…    comma-separated subset of the sections below (`npm run bench -- --list` names them)
 *   DATABASE_URL    use this Postgres server (a fresh database is created and dropped on it);
 *                   otherwise a throw-away cluster is started with scripts/pg-cluster.sh
 *
 * Exit code 0 when every section ran; 1 when a section failed (its error is in the summary); 2 on a bad BENCH_ONLY.
 */
import os from 'node:os';
import { benchAppendPglite, benchAppendPostgres, type SectionOutcome } from './event-append';
import { installSignalCleanup, runCleanups } from './lib/cleanup';
import { config } from './lib/config';
import { acquirePostgres, type PgServer } from './lib/pg';
import { heading } from './lib/table';
import { benchRestRead } from './rest-read';
import { benchSessions } from './sessions-1000';
import { benchSseFanout } from './sse-fanout';
import { benchCancelLatency, benchTurnLatency } from './turn-latency';
import { benchWsFanout, benchWsStorm } from './ws-fanout';

interface Section {
  name: string;
  /** 'required': skipped (and reported) without Postgres; 'optional': falls back to PGlite; 'no': PGlite only. */
  postgres: 'required' | 'optional' | 'no';
  run(pg: PgServer | null): Promise<SectionOutcome>;
}

/** In the order they run: cheap and database-bound first, the many-connection ones last. */
const SECTIONS: Section[] = [
  { name: 'rest', postgres: 'optional', run: benchRestRead },
  { name: 'append-pg', postgres: 'required', run: (pg) => benchAppendPostgres(pg!) },
  { name: 'append-pglite', postgres: 'no', run: () => benchAppendPglite() },
  { name: 'turn', postgres: 'optional', run: benchTurnLatency },
  { name: 'cancel', postgres: 'optional', run: benchCancelLatency },
  { name: 'sse', postgres: 'optional', run: benchSseFanout },
  { name: 'ws', postgres: 'optional', run: benchWsFanout },
  { name: 'ws-storm', postgres: 'optional', run: benchWsStorm },
  { name: 'sessions', postgres: 'optional', run: benchSessions },
];

function selected(): Section[] {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only?.length) return SECTIONS;
  const names = SECTIONS.map((s) => s.name);
  const unknown = only.filter((s) => !names.includes(s));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; choose from ${names.join(', ')}`);
  return SECTIONS.filter((s) => only.includes(s.name));
}

async function main(): Promise<number> {
  if (process.argv.includes('--list')) {
    for (const s of SECTIONS) console.log(s.name);
    return 0;
  }
  installSignalCleanup();
  const t0 = performance.now();
  let sections: Section[];
  try {
    sections = selected();
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  console.log(`Switchboard benchmarks — mode: ${config.mode}`);
  console.log(`node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), ${os.platform()} ${os.release()}`);
  console.log('All ratios are Switchboard / baseline measured in this run (1.00x = as fast as the baseline, 0.25x = 4x slower).');

  const summary: string[] = [];
  const failures: string[] = [];

  let pg: PgServer | null = null;
  if (sections.some((s) => s.postgres !== 'no')) {
    const got = await acquirePostgres();
    if ('unavailable' in got) {
      console.log(`\nPostgres: unavailable — ${got.unavailable}. Postgres-only sections are skipped; the others use PGlite.`);
    } else {
      pg = got;
      console.log(`Postgres ${pg.version}: ${pg.source}`);
    }
  }

  for (const section of sections) {
    if (section.postgres === 'required' && !pg) {
      failures.push(`${section.name}: skipped, no Postgres`);
      continue;
    }
    const s0 = performance.now();
    try {
      const out = await section.run(pg);
      summary.push(...out.summary);
      failures.push(...out.failures);
    } catch (err) {
      const e = err as Error;
      console.error(`\n[${section.name}] FAILED: ${e.stack ?? e.message}`);
      failures.push(`${section.name}: ${e.message}`);
    }
    console.log(`[${section.name}] took ${((performance.now() - s0) / 1000).toFixed(1)} s`);
  }

  await runCleanups();

  heading('Summary');
  for (const line of summary) console.log(`- ${line}`);
  for (const f of failures) console.log(`- FAILED/SKIPPED ${f}`);
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s (${config.mode})`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (err) => {
    console.error(err);
    await runCleanups();
    process.exit(1);
  },
);
