/**
 * Event append throughput: Switchboard's event log against the cheapest way to put the same rows into
 * Postgres — raw postgres.js inserts into a table with the same columns and keys, the seq supplied by
 * the client, no seq reservation, no global position — in the same process, against the same server,
 * in the same run. pgbench with an equivalent one-row insert gives a client-independent ceiling. On
 * PGlite the same Switchboard cases run against raw `pglite.query` inserts.
 *
 * The three figures of the goal:
 *   single     the product's one-event append as the engine sends a streamed delta: `appendAndCommit`,
 *              one statement that commits by itself — vs a raw autocommit INSERT (goal ≥ 0.5×)
 *   batched    `emitMany` of a batch inside `inTransaction`, counted per event — vs Switchboard's own
 *              single (goal ≥ 10×); the raw multi-row INSERT is printed beside it for scale
 *   8 writers  8 concurrent `appendAndCommit` loops, one stream each — vs 8 raw insert loops (goal ≥ 0.5×)
 * Rates are events/s. Diagnostic rows take the single path apart (transaction, driver, statement).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '@/db/client';
import { renderAppend, type NewEvent } from '@/server/core/events/append-event';
import { appendAndCommit, inTransaction } from '@/server/core/events/unit-of-work';
import { createEventBus } from '@/server/stream/bus';
import { config } from './lib/config';
import { onCleanup } from './lib/cleanup';
import { createFreshDatabase, findPgbench, runPgbench, type PgServer } from './lib/pg';
import { fmtInt, fmtRate, fmtRatio, fmtSpread, heading, printTable } from './lib/table';
import { interleaved, type RateStats } from './lib/timing';

const TYPE = 'bench.tick';
/** A small, typical event payload (~90 bytes of JSON). */
const payload = (i: number) => ({ i, kind: 'tick', text: 'the quick brown fox jumps over the lazy dog', ok: true });
const newEvent = (i: number): NewEvent => ({ type: TYPE, data: payload(i) });

/** The goals of the issue, as ratios. */
const GOALS = { single: 0.5, batchedVsSingle: 10, writers: 0.5 };

/** Client-side seq counters for the baseline tables: the baseline is told its seq, it does not reserve it. */
function counters() {
  const seqs = new Map<string, number>();
  return (stream: string) => {
    const n = (seqs.get(stream) ?? 0) + 1;
    seqs.set(stream, n);
    return n;
  };
}

/** Switchboard's append statement as text and parameters, to send it through the raw driver (the breakdown's "raw driver" row). */
const renderedAppend = (stream: string, i: number) => renderAppend(stream, [newEvent(i)], 1)!;

const statsCell = (s: RateStats | undefined) => (s ? fmtRate(s.median) : 'n/a');
const spreadCell = (s: RateStats | undefined) => (s ? fmtSpread(s.min, s.max, s.median, s.rounds) : '');
const ratioOf = (a: RateStats | undefined, b: RateStats | undefined) => (a && b ? a.median / b.median : Number.NaN);
const verdict = (ratio: number, goal: number) => `${fmtRatio(ratio)} (goal ≥ ${goal}x: ${ratio >= goal ? 'MET' : 'NOT MET'})`;

interface Measured {
  single: Map<string, RateStats>;
  batched: Map<string, RateStats>;
  concurrent?: Map<string, RateStats>;
}

/** The three goal lines of the summary. */
function goalLines(db: string, m: Measured, batchSize: number, writers: number): string[] {
  const lines = [
    `${db} append single (appendAndCommit): ${statsCell(m.single.get('sb'))} vs raw insert ${statsCell(m.single.get('raw'))} = ${verdict(ratioOf(m.single.get('sb'), m.single.get('raw')), GOALS.single)}`,
    `${db} append batched (emitMany of ${batchSize}, per event): ${statsCell(m.batched.get('sb'))} vs Switchboard single ${statsCell(m.single.get('sb'))} = ${verdict(ratioOf(m.batched.get('sb'), m.single.get('sb')), GOALS.batchedVsSingle)}; vs raw multi-row insert ${statsCell(m.batched.get('raw'))} = ${fmtRatio(ratioOf(m.batched.get('sb'), m.batched.get('raw')))}`,
  ];
  if (m.concurrent) {
    lines.push(
      `${db} append ${writers} writers: ${statsCell(m.concurrent.get('sb'))} vs raw ${writers} writers ${statsCell(m.concurrent.get('raw'))} = ${verdict(ratioOf(m.concurrent.get('sb'), m.concurrent.get('raw')), GOALS.writers)}`,
    );
  }
  return lines;
}

/** The main table: each figure, its baseline, the ratio. */
function printMain(m: Measured, sizes: { single: number; batchSize: number; writers: number }) {
  const row = (label: string, sb?: RateStats, base?: RateStats, baseLabel = '') => [
    label,
    statsCell(sb),
    spreadCell(sb),
    baseLabel,
    statsCell(base),
    spreadCell(base),
    fmtRatio(ratioOf(sb, base)),
  ];
  const rows = [
    row(`single: appendAndCommit, ${fmtInt(sizes.single)} events`, m.single.get('sb'), m.single.get('raw'), 'raw autocommit insert'),
    row(`batched: emitMany of ${sizes.batchSize} in inTransaction`, m.batched.get('sb'), m.single.get('sb'), 'Switchboard single'),
    row(`batched: emitMany of ${sizes.batchSize} in inTransaction`, m.batched.get('sb'), m.batched.get('raw'), `raw ${sizes.batchSize}-row insert in a tx`),
  ];
  if (m.concurrent) rows.push(row(`${sizes.writers} writers, one stream each`, m.concurrent.get('sb'), m.concurrent.get('raw'), `raw, ${sizes.writers} writers`));
  printTable(['case', 'Switchboard ev/s', 'spread', 'baseline', 'ev/s', 'spread', 'ratio'], rows, [false, true, true, false, true, true, true]);
}

/** The single-event path taken apart: each row adds or removes one thing relative to the baseline. */
function printBreakdown(single: Map<string, RateStats>, concurrent?: { writers: number; rates: Map<string, RateStats> }) {
  const us = (s?: RateStats) => (s ? `${(1e6 / s.median).toFixed(0)} us` : 'n/a');
  const base = single.get('raw');
  const line = (label: string, name: string, statements: string) => [label, statsCell(single.get(name)), us(single.get(name)), fmtRatio(ratioOf(single.get(name), base)), statements];
  printTable(
    ['path', 'ev/s', 'per event', 'vs raw insert', 'round trips'],
    [
      line('raw insert, autocommit (baseline)', 'raw', '1'),
      line('raw insert in BEGIN/COMMIT', 'rawTx', '3'),
      line("Switchboard's append statement sent by the raw driver", 'sbPrepared', '1'),
      line('Switchboard appendAndCommit (through drizzle, publishes)', 'sb', '1'),
      line('Switchboard inTransaction + emit (append + state change shape)', 'sbTx', '3'),
    ],
    [false, true, true, true, true],
  );
  if (concurrent) {
    const { writers, rates } = concurrent;
    console.log(`  ${writers} writers with inTransaction + emit: ${statsCell(rates.get('sbTx'))} = ${fmtRatio(ratioOf(rates.get('sbTx'), rates.get('raw')))} of the ${writers} raw writers`);
  }
}

export interface SectionOutcome {
  summary: string[];
  failures: string[];
}

// ---------------------------------------------------------------------------------------------
// Postgres
// ---------------------------------------------------------------------------------------------

export async function benchAppendPostgres(pg: PgServer): Promise<SectionOutcome> {
  const c = config.append;
  const failures: string[] = [];
  const fresh = await createFreshDatabase(pg.adminUrl);
  let database: Database | undefined;
  let raw: postgres.Sql | undefined;
  try {
    // openDatabase runs the committed migrations, so the tables are exactly what the server uses.
    database = await openDatabase({ dataDir: os.tmpdir(), databaseUrl: fresh.url });
    const deps = { db: database.db, bus: createEventBus() };
    // Same pool size as db/client.ts uses for the server (max 10), so neither side gets more sockets.
    raw = postgres(fresh.url, { max: 10, onnotice: () => {} });
    const sql = raw;
    // Same columns (global_pos included, with its unique index), primary key (stream_id, seq), unique
    // idempotency index and created_at default as `event`: only the seq reservation and the position are missing.
    await sql`create table bench_event (like event including all)`;
    await sql`create table bench_pgbench (like event including all)`;
    const next = counters();
    // The baseline's global_pos: a client-side counter, as unique as the product's.
    let position = 0;
    const rawInsert = (q: postgres.Sql | postgres.TransactionSql, stream: string, i: number) =>
      q`insert into bench_event (stream_id, seq, type, data, global_pos) values (${stream}, ${next(stream)}, ${TYPE}, ${JSON.stringify(payload(i))}::jsonb, ${++position})`;

    const loop = (one: (stream: string, i: number) => Promise<unknown>) => (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) await one(stream, i);
      return n;
    };
    const sbSingle = loop((stream, i) => appendAndCommit(deps, stream, newEvent(i)));
    const sbSingleTx = loop((stream, i) => inTransaction(deps, (_tx, emit) => emit(stream, newEvent(i))));
    const rawSingle = loop((stream, i) => rawInsert(sql, stream, i));
    const rawSingleTx = loop((stream, i) => sql.begin((tx) => rawInsert(tx, stream, i)));
    const sbPrepared = loop((stream, i) => {
      const q = renderedAppend(stream, i);
      return sql.unsafe(q.sql, q.params as postgres.ParameterOrJSON<never>[], { prepare: true });
    });

    const sbBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        await inTransaction(deps, (_tx, _emit, emitMany) => emitMany(stream, Array.from({ length: c.batchSize }, (_, j) => newEvent(j))));
      }
      return batches * c.batchSize;
    };
    const rawBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        const rows = Array.from({ length: c.batchSize }, (_, j) => ({ stream_id: stream, seq: next(stream), type: TYPE, data: JSON.stringify(payload(j)), global_pos: ++position }));
        // One multi-row INSERT … VALUES (…), (…) in one transaction.
        await sql.begin((tx) => tx`insert into bench_event ${tx(rows, 'stream_id', 'seq', 'type', 'data', 'global_pos')}`);
      }
      return batches * c.batchSize;
    };

    const concurrently = (prefix: string, one: (stream: string) => (n: number) => Promise<number>) => async (perWriter: number) => {
      await Promise.all(Array.from({ length: c.writers }, (_, w) => one(`${prefix}:${w}`)(perWriter)));
      return perWriter * c.writers;
    };

    console.log(`\n[append/postgres] single: ${fmtInt(c.single)} one-event appends x ${config.rounds} rounds`);
    const single = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbSingle('single:sb:warm')(c.warmup), run: () => sbSingle('single:sb')(c.single) },
      { name: 'raw', warmup: () => rawSingle('single:raw:warm')(c.warmup), run: () => rawSingle('single:raw')(c.single) },
      { name: 'sbTx', warmup: () => sbSingleTx('single:sbtx:warm')(c.warmup), run: () => sbSingleTx('single:sbtx')(c.single) },
      { name: 'rawTx', warmup: () => rawSingleTx('single:rawtx:warm')(c.warmup), run: () => rawSingleTx('single:rawtx')(c.single) },
      { name: 'sbPrepared', warmup: () => sbPrepared('single:prep:warm')(c.warmup), run: () => sbPrepared('single:prep')(c.single) },
    ]);

    console.log(`[append/postgres] batched: ${c.batches} transactions x ${c.batchSize} events x ${config.rounds} rounds`);
    const batched = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbBatched('batch:sb:warm')(2), run: () => sbBatched('batch:sb')(c.batches) },
      { name: 'raw', warmup: () => rawBatched('batch:raw:warm')(2), run: () => rawBatched('batch:raw')(c.batches) },
    ]);

    console.log(`[append/postgres] concurrent: ${c.writers} writers x ${c.perWriter} appends, one stream each x ${config.rounds} rounds`);
    const warmPerWriter = Math.ceil(c.warmup / c.writers);
    const concurrent = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => concurrently('conc:sb:warm', sbSingle)(warmPerWriter), run: () => concurrently('conc:sb', sbSingle)(c.perWriter) },
      { name: 'raw', warmup: () => concurrently('conc:raw:warm', rawSingle)(warmPerWriter), run: () => concurrently('conc:raw', rawSingle)(c.perWriter) },
      { name: 'sbTx', warmup: () => concurrently('conc:sbtx:warm', sbSingleTx)(warmPerWriter), run: () => concurrently('conc:sbtx', sbSingleTx)(c.perWriter) },
    ]);

    // One more, untimed pass with pg_stat_activity sampled on a separate connection: how many of the
    // writers' backends wait on a lock at any moment. Appends to different streams share no row now
    // (the global order is derived, not reserved), so this should be ~0 on both sides.
    console.log(`[append/postgres] concurrent, untimed pass with lock-wait sampling`);
    const lockWaits = async (work: () => Promise<number>) => {
      const probe = postgres(fresh.url, { max: 1, onnotice: () => {} });
      try {
        await probe`select 1`;
        let running = true;
        let samples = 0;
        let waiting = 0;
        let active = 0;
        const sampler = (async () => {
          while (running) {
            const [r] = await probe`
              select count(*) filter (where wait_event_type = 'Lock')::int as waiting,
                     count(*) filter (where state <> 'idle')::int as active
              from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`;
            samples++;
            waiting += r!.waiting;
            active += r!.active;
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        })();
        await work();
        running = false;
        await sampler;
        return { waiting: waiting / Math.max(1, samples), active: active / Math.max(1, samples), samples };
      } finally {
        await probe.end({ timeout: 2 });
      }
    };
    const lockSb = await lockWaits(() => concurrently('conc:sbtx:probe', sbSingleTx)(c.perWriter));
    const lockRaw = await lockWaits(() => concurrently('conc:raw:probe', rawSingle)(c.perWriter));

    // Sanity: Switchboard's seqs really are gapless and every event has its own position, so we measured the real thing.
    const [check] = await sql`
      select count(*)::int as n, max(seq)::int as hi,
             (select count(distinct global_pos)::int from event) as positions, (select count(*)::int from event) as events
      from event where stream_id = 'single:sb'`;
    if (check!.n !== check!.hi) throw new Error(`single:sb has ${check!.n} events but max seq ${check!.hi}`);
    if (check!.positions !== check!.events) throw new Error(`${check!.events} events but ${check!.positions} distinct global positions`);

    // pgbench: the same one-row insert from C/libpq. Per-client counters (-D n=0, \set n :n + 1)
    // supply the seq, as the node baseline does. 1 client ~ "single", 8 clients ~ "8 writers".
    const pgbenchBin = findPgbench();
    const pgbenchRows: string[][] = [];
    const pgbenchLines: string[] = [];
    if (pgbenchBin) {
      // Each run names its streams 'pgbench:<run>:<client>', so counters restart at 1 without clashing;
      // the position is the run, client and counter packed into one number.
      // The payload goes in as a -D variable (a bind parameter under -M prepared, as in postgres.js):
      // written inline, pgbench would read the JSON's `:1`, `:true` as variable references.
      const script =
        `\\set n :n + 1\n` +
        `insert into bench_pgbench (stream_id, seq, type, data, global_pos) values ('pgbench:' || :run || ':' || :client_id, :n, '${TYPE}', :data::jsonb, (:run::bigint * 1000 + :client_id) * 100000000 + :n);\n`;
      let runNo = 0;
      for (const [clients, sb, label] of [
        [1, single.get('sb'), 'single'],
        [c.writers, concurrent.get('sb'), `${c.writers} writers`],
      ] as const) {
        console.log(`[append/postgres] pgbench: ${clients} client(s), ${config.pgbenchSeconds} s`);
        try {
          const r = await runPgbench(pgbenchBin, fresh.url, script, clients, config.pgbenchSeconds, { n: '0', run: String(++runNo), data: JSON.stringify(payload(1)) });
          pgbenchRows.push([`${clients} client${clients > 1 ? 's' : ''} (vs ${label})`, fmtRate(r.tps), `${r.latencyMs.toFixed(3)} ms`, fmtRate(sb!.median), fmtRatio(sb!.median / r.tps), r.command]);
          pgbenchLines.push(`Postgres ${label} vs pgbench -c ${clients}: Switchboard ${fmtRate(sb!.median)} vs ${fmtRate(r.tps)} = ${fmtRatio(sb!.median / r.tps)}`);
        } catch (err) {
          // pgbench is a second opinion; its failure must not throw away the measurements above.
          const msg = (err as Error).message.split('\n').slice(0, 3).join(' | ');
          pgbenchRows.push([`${clients} client${clients > 1 ? 's' : ''} (vs ${label})`, 'failed', '', '', '', msg]);
          failures.push(`pgbench -c ${clients}: ${msg}`);
        }
      }
    }

    heading(`Event append — Postgres ${pg.version}, fresh database ${fresh.name}`);
    console.log(`server: ${pg.source}`);
    console.log('baseline: raw postgres.js (pool max 10) inserting the same rows into bench_event (LIKE event INCLUDING ALL: same columns, PK, indexes), seq and position supplied by the client.');
    console.log(`rates are medians of ${config.rounds} interleaved rounds after a warm-up; spread = worst/best round vs median.\n`);
    const measured: Measured = { single, batched, concurrent };
    printMain(measured, { single: c.single, batchSize: c.batchSize, writers: c.writers });
    console.log(
      `\n${c.writers} writers, lock waits (untimed pass of inTransaction + emit, ${lockSb.samples}/${lockRaw.samples} samples of pg_stat_activity): ` +
        `Switchboard ${lockSb.waiting.toFixed(2)} of ${lockSb.active.toFixed(2)} busy backends waiting on a lock on average; raw ${lockRaw.waiting.toFixed(2)} of ${lockRaw.active.toFixed(2)}.`,
    );
    console.log('\nsingle event, where the time goes (same run, same server):');
    printBreakdown(single, { writers: c.writers, rates: concurrent });
    console.log('  (both Switchboard rows run the append as a prepared statement; the difference between them is the JavaScript around it)');

    if (pgbenchBin) {
      console.log(`\npgbench (${pgbenchBin}), custom script: one-row insert into bench_pgbench, ${config.pgbenchSeconds} s per run:`);
      printTable(['pgbench', 'tps', 'latency', 'Switchboard ev/s', 'SB/pgbench', 'command'], pgbenchRows, [false, true, true, true, true, false]);
    } else {
      console.log('\npgbench: not found (which pgbench, /usr/lib/postgresql/*/bin) — skipped.');
    }

    return {
      summary: [
        ...goalLines('Postgres', measured, c.batchSize, c.writers),
        `Postgres ${c.writers} writers, lock waits: Switchboard ${lockSb.waiting.toFixed(2)}/${lockSb.active.toFixed(2)} busy backends waiting on a lock, raw ${lockRaw.waiting.toFixed(2)}/${lockRaw.active.toFixed(2)}`,
        ...pgbenchLines,
      ],
      failures,
    };
  } finally {
    await raw?.end({ timeout: 5 });
    await database?.close();
    await fresh.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// PGlite
// ---------------------------------------------------------------------------------------------

export async function benchAppendPglite(): Promise<SectionOutcome> {
  const c = config.pglite;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-pglite-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  const releaseDir = onCleanup(`remove ${dataDir}`, removeDir, removeDir);
  let database: Database | undefined;
  try {
    database = await openDatabase({ dataDir });
    const pglite = database.pglite!;
    const deps = { db: database.db, bus: createEventBus() };
    await pglite.exec('create table bench_event (like event including all)');
    const next = counters();
    let position = 0;
    const insertOne = 'insert into bench_event (stream_id, seq, type, data, global_pos) values ($1, $2, $3, $4::jsonb, $5)';
    const rawParams = (stream: string, i: number) => [stream, next(stream), TYPE, JSON.stringify(payload(i)), ++position];

    const loop = (one: (stream: string, i: number) => Promise<unknown>) => (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) await one(stream, i);
      return n;
    };
    const sbSingle = loop((stream, i) => appendAndCommit(deps, stream, newEvent(i)));
    const sbSingleTx = loop((stream, i) => inTransaction(deps, (_tx, emit) => emit(stream, newEvent(i))));
    const rawSingle = loop((stream, i) => pglite.query(insertOne, rawParams(stream, i)));
    const rawSingleTx = loop((stream, i) => pglite.transaction((tx) => tx.query(insertOne, rawParams(stream, i))));
    const sbPrepared = loop((stream, i) => {
      const q = renderedAppend(stream, i);
      return pglite.query(q.sql, q.params);
    });
    const sbBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        await inTransaction(deps, (_tx, _emit, emitMany) => emitMany(stream, Array.from({ length: c.batchSize }, (_, j) => newEvent(j))));
      }
      return batches * c.batchSize;
    };
    const rawBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        const params: unknown[] = [];
        const tuples: string[] = [];
        for (let j = 0; j < c.batchSize; j++) {
          const k = params.length;
          tuples.push(`($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}::jsonb, $${k + 5})`);
          params.push(...rawParams(stream, j));
        }
        await pglite.transaction((tx) => tx.query(`insert into bench_event (stream_id, seq, type, data, global_pos) values ${tuples.join(', ')}`, params));
      }
      return batches * c.batchSize;
    };

    console.log(`\n[append/pglite] single: ${fmtInt(c.single)} one-event appends x ${config.rounds} rounds`);
    const single = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbSingle('single:sb:warm')(c.warmup), run: () => sbSingle('single:sb')(c.single) },
      { name: 'raw', warmup: () => rawSingle('single:raw:warm')(c.warmup), run: () => rawSingle('single:raw')(c.single) },
      { name: 'sbTx', warmup: () => sbSingleTx('single:sbtx:warm')(c.warmup), run: () => sbSingleTx('single:sbtx')(c.single) },
      { name: 'rawTx', warmup: () => rawSingleTx('single:rawtx:warm')(c.warmup), run: () => rawSingleTx('single:rawtx')(c.single) },
      { name: 'sbPrepared', warmup: () => sbPrepared('single:prep:warm')(c.warmup), run: () => sbPrepared('single:prep')(c.single) },
    ]);
    console.log(`[append/pglite] batched: ${c.batches} transactions x ${c.batchSize} events x ${config.rounds} rounds`);
    const batched = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbBatched('batch:sb:warm')(1), run: () => sbBatched('batch:sb')(c.batches) },
      { name: 'raw', warmup: () => rawBatched('batch:raw:warm')(1), run: () => rawBatched('batch:raw')(c.batches) },
    ]);

    heading('Event append — embedded PGlite (openDatabase({ dataDir: tmp }))');
    console.log('baseline: raw pglite.query inserts of the same rows into bench_event (LIKE event INCLUDING ALL) in the same PGlite instance.');
    console.log('PGlite is one connection in this process: there is no concurrent case.\n');
    const measured: Measured = { single, batched };
    printMain(measured, { single: c.single, batchSize: c.batchSize, writers: 1 });
    console.log('\nsingle event, where the time goes (same run, same PGlite):');
    printBreakdown(single);
    return { summary: goalLines('PGlite', measured, c.batchSize, 1), failures: [] };
  } finally {
    await database?.close();
    await releaseDir();
  }
}
