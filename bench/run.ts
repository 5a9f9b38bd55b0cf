/**
 * `npm run bench`: Switchboard's event append and SSE fan-out measured against baselines taken in
 * the same run on the same machine, printed as ratios (a benchmark, not a pass/fail test: absolute
 * numbers depend on the box, ratios much less).
 *
 *   BENCH_QUICK=1   smaller counts, fewer rounds: a ~30 s smoke run of every code path
 *   BENCH_ONLY=…    comma-separated subset: append-pg, append-pglite, sse, turn, cancel
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
import { benchSseFanout } from './sse-fanout';
import { benchCancelLatency, benchTurnLatency } from './turn-latency';

const SECTIONS = ['append-pg', 'append-pglite', 'sse', 'turn', 'cancel'] as const;
type Section = (typeof SECTIONS)[number];

function selected(): Set<Section> {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only?.length) return new Set(SECTIONS);
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  return new Set(only as Section[]);
}

async function main(): Promise<number> {
  installSignalCleanup();
  const t0 = performance.now();
  let sections: Set<Section>;
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
  const attempt = async (name: string, fn: () => Promise<SectionOutcome>) => {
    const s0 = performance.now();
    try {
      const out = await fn();
      summary.push(...out.summary);
      failures.push(...out.failures);
    } catch (err) {
      const e = err as Error;
      console.error(`\n[${name}] FAILED: ${e.stack ?? e.message}`);
      failures.push(`${name}: ${e.message}`);
    }
    console.log(`[${name}] took ${((performance.now() - s0) / 1000).toFixed(1)} s`);
  };

  let pg: PgServer | null = null;
  if (sections.has('append-pg') || sections.has('sse') || sections.has('turn') || sections.has('cancel')) {
    const got = await acquirePostgres();
    if ('unavailable' in got) {
      console.log(`\nPostgres: unavailable — ${got.unavailable}. Postgres cases are skipped; SSE uses PGlite.`);
      if (sections.has('append-pg')) failures.push(`append-pg: skipped, ${got.unavailable}`);
    } else {
      pg = got;
      console.log(`Postgres ${pg.version}: ${pg.source}`);
    }
  }

  if (sections.has('append-pg') && pg) await attempt('append-pg', () => benchAppendPostgres(pg));
  if (sections.has('append-pglite')) await attempt('append-pglite', () => benchAppendPglite());
  if (sections.has('sse')) await attempt('sse', () => benchSseFanout(pg));
  if (sections.has('turn')) await attempt('turn', () => benchTurnLatency(pg));
  if (sections.has('cancel')) await attempt('cancel', () => benchCancelLatency(pg));

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
