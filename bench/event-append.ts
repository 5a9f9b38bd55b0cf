/**
 * Event append throughput: Switchboard's event log (`inTransaction` + `emit`, which reserves a
 * gapless per-stream seq and writes a copy to the global stream) against the cheapest way to put
 * the same rows into Postgres — raw postgres.js inserts into a table with the same columns and keys,
 * no seq reservation, no global copy — in the same process, against the same server, in the same run.
 * pgbench with an equivalent one-row insert gives a client-independent ceiling. On PGlite the same
 * Switchboard cases run against raw `pglite.query` inserts.
 *
 * Rates are events/s. A Switchboard event is two rows (own stream + global copy); the baseline is
 * one row per event, so the ratio prices everything the event log adds, not just the driver.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '@/db/client';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { createEventBus } from '@/server/stream/bus';
import { config } from './lib/config';
import { onCleanup } from './lib/cleanup';
import { createFreshDatabase, findPgbench, runPgbench, type PgServer } from './lib/pg';
import { fmtInt, fmtRate, fmtRatio, fmtSpread, heading, printTable } from './lib/table';
import { interleaved, type RateStats } from './lib/timing';

const TYPE = 'bench.tick';
/** A small, typical event payload (~90 bytes of JSON). */
const payload = (i: number) => ({ i, kind: 'tick', text: 'the quick brown fox jumps over the lazy dog', ok: true });

/** Client-side seq counters for the baseline tables: the baseline is told its seq, it does not reserve it. */
function counters() {
  const seqs = new Map<string, number>();
  return (stream: string) => {
    const n = (seqs.get(stream) ?? 0) + 1;
    seqs.set(stream, n);
    return n;
  };
}

const statsCell = (s: RateStats | undefined) => (s ? fmtRate(s.median) : 'n/a');
const spreadCell = (s: RateStats | undefined) => (s ? fmtSpread(s.min, s.max, s.median, s.rounds) : '');

/** The single-event path taken apart: each row adds one thing on top of the row above. */
function printDecomposition(single: Map<string, RateStats>) {
  const us = (s?: RateStats) => (s ? `${(1e6 / s.median).toFixed(0)} us` : 'n/a');
  const base = single.get('raw')!;
  const rel = (name: string) => fmtRatio(single.get(name)!.median / base.median);
  printTable(
    ['path', 'ev/s', 'per event', 'vs raw insert', 'statements'],
    [
      ['raw insert, autocommit (baseline)', statsCell(base), us(base), fmtRatio(1), '1'],
      ['raw insert in BEGIN/COMMIT', statsCell(single.get('rawTx')), us(single.get('rawTx')), rel('rawTx'), '3'],
      ["Switchboard's SQL raw: BEGIN, 2 seq-reserving inserts, COMMIT", statsCell(single.get('rawSb')), us(single.get('rawSb')), rel('rawSb'), '4'],
      ['Switchboard inTransaction + emit (drizzle)', statsCell(single.get('sb')), us(single.get('sb')), rel('sb'), '4'],
    ],
    [false, true, true, true, true],
  );
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
  const summary: string[] = [];
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
    // Same columns, primary key (stream_id, seq), unique idempotency index and created_at default as
    // `event`: only the seq reservation and the global copy are missing.
    await sql`create table bench_event (like event including all)`;
    await sql`create table bench_pgbench (like event including all)`;
    const next = counters();

    const sbSingle = (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) await inTransaction(deps, (_tx, emit) => emit(stream, { type: TYPE, data: payload(i) }));
      return n;
    };
    const rawSingle = (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) {
        await sql`insert into bench_event (stream_id, seq, type, data) values (${stream}, ${next(stream)}, ${TYPE}, ${JSON.stringify(payload(i))}::jsonb)`;
      }
      return n;
    };
    // Diagnostics for the single case: the same raw insert inside BEGIN/COMMIT (what a transaction
    // costs), and Switchboard's own two seq-reserving statements sent raw (what drizzle costs).
    const rawSingleTx = (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) {
        await sql.begin(
          (tx) => tx`insert into bench_event (stream_id, seq, type, data) values (${stream}, ${next(stream)}, ${TYPE}, ${JSON.stringify(payload(i))}::jsonb)`,
        );
      }
      return n;
    };
    const reserveInsert = (tx: postgres.TransactionSql, stream: string, data: unknown) => tx`
      with head as (
        insert into stream_head (stream_id, last_seq) values (${stream}, 1)
        on conflict (stream_id) do update set last_seq = stream_head.last_seq + 1
        returning last_seq
      )
      insert into event (stream_id, seq, type, data, idempotency_key)
      select ${stream}, head.last_seq, ${TYPE}, ${JSON.stringify(data)}::jsonb, ${null} from head
      returning seq, created_at, data`;
    const rawSwitchboardSql = (stream: string, globalStream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) {
        await sql.begin(async (tx) => {
          const [own] = await reserveInsert(tx, stream, payload(i));
          await reserveInsert(tx, globalStream, { ...payload(i), stream, stream_seq: own!.seq });
        });
      }
      return n;
    };

    const sbBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        await inTransaction(deps, async (_tx, emit) => {
          for (let j = 0; j < c.batchSize; j++) await emit(stream, { type: TYPE, data: payload(j) });
        });
      }
      return batches * c.batchSize;
    };
    const rawBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        const rows = Array.from({ length: c.batchSize }, (_, j) => ({ stream_id: stream, seq: next(stream), type: TYPE, data: JSON.stringify(payload(j)) }));
        // One multi-row INSERT … VALUES (…), (…) in one transaction.
        await sql.begin((tx) => tx`insert into bench_event ${tx(rows, 'stream_id', 'seq', 'type', 'data')}`);
      }
      return batches * c.batchSize;
    };

    // For scale, not the baseline: the same batch as 100 separate single-row INSERTs in one transaction
    // (sequential round trips, like emit), to separate "one statement per event" from everything else.
    const rawBatchedLoop = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        await sql.begin(async (tx) => {
          for (let j = 0; j < c.batchSize; j++) {
            await tx`insert into bench_event (stream_id, seq, type, data) values (${stream}, ${next(stream)}, ${TYPE}, ${JSON.stringify(payload(j))}::jsonb)`;
          }
        });
      }
      return batches * c.batchSize;
    };

    const writerStreams = (prefix: string) => Array.from({ length: c.writers }, (_, w) => `${prefix}:${w}`);
    const concurrently = (prefix: string, one: (stream: string) => (n: number) => Promise<number>) => async (perWriter: number) => {
      await Promise.all(writerStreams(prefix).map((s) => one(s)(perWriter)));
      return perWriter * c.writers;
    };

    console.log(`\n[append/postgres] single: ${fmtInt(c.single)} one-event transactions x ${config.rounds} rounds`);
    const single = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbSingle('single:sb:warm')(c.warmup), run: () => sbSingle('single:sb')(c.single) },
      { name: 'raw', warmup: () => rawSingle('single:raw:warm')(c.warmup), run: () => rawSingle('single:raw')(c.single) },
      { name: 'rawTx', warmup: () => rawSingleTx('single:rawtx:warm')(c.warmup), run: () => rawSingleTx('single:rawtx')(c.single) },
      {
        name: 'rawSb',
        warmup: () => rawSwitchboardSql('single:rawsb:warm', 'rawsb-global')(c.warmup),
        run: () => rawSwitchboardSql('single:rawsb', 'rawsb-global')(c.single),
      },
    ]);

    console.log(`[append/postgres] batched: ${c.batches} transactions x ${c.batchSize} events x ${config.rounds} rounds`);
    const batched = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbBatched('batch:sb:warm')(2), run: () => sbBatched('batch:sb')(c.batches) },
      { name: 'raw', warmup: () => rawBatched('batch:raw:warm')(2), run: () => rawBatched('batch:raw')(c.batches) },
      { name: 'rawLoop', warmup: () => rawBatchedLoop('batch:rawloop:warm')(2), run: () => rawBatchedLoop('batch:rawloop')(c.batches) },
    ]);

    console.log(`[append/postgres] concurrent: ${c.writers} writers x ${c.perWriter} one-event transactions, one stream each x ${config.rounds} rounds`);
    const concurrent = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => concurrently('conc:sb:warm', sbSingle)(Math.ceil(c.warmup / c.writers)), run: () => concurrently('conc:sb', sbSingle)(c.perWriter) },
      { name: 'raw', warmup: () => concurrently('conc:raw:warm', rawSingle)(Math.ceil(c.warmup / c.writers)), run: () => concurrently('conc:raw', rawSingle)(c.perWriter) },
    ]);

    // One more, untimed pass of each with pg_stat_activity sampled on a separate connection: how many
    // of the writers' backends are waiting on a lock at any moment. Every Switchboard append also
    // bumps the single 'global' stream_head row and holds that row lock until COMMIT, so concurrent
    // writers on different streams still queue behind each other; the raw inserts share no row.
    console.log(`[append/postgres] concurrent, untimed pass with lock-wait sampling`);
    const lockWaits = async (name: string, work: () => Promise<number>) => {
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
        return { name, waiting: waiting / Math.max(1, samples), active: active / Math.max(1, samples), samples };
      } finally {
        await probe.end({ timeout: 2 });
      }
    };
    const lockSb = await lockWaits('sb', () => concurrently('conc:sb:probe', sbSingle)(c.perWriter));
    const lockRaw = await lockWaits('raw', () => concurrently('conc:raw:probe', rawSingle)(c.perWriter));

    // Sanity: Switchboard's seqs really are gapless, so we measured the real thing.
    const [check] = await sql`select count(*)::int as n, max(seq)::int as hi from event where stream_id = 'single:sb'`;
    if (check!.n !== check!.hi) throw new Error(`single:sb has ${check!.n} events but max seq ${check!.hi}`);

    // pgbench: the same one-row insert from C/libpq. Per-client counters (-D n=0, \set n :n + 1)
    // supply the seq, as the node baseline does. 1 client ~ "single", 8 clients ~ "concurrent".
    const pgbenchBin = findPgbench();
    const pgbenchRows: string[][] = [];
    if (pgbenchBin) {
      // Each run names its streams 'pgbench:<run>:<client>', so counters restart at 1 without clashing.
      // The payload goes in as a -D variable (a bind parameter under -M prepared, as in postgres.js):
      // written inline, pgbench would read the JSON's `:1`, `:true` as variable references.
      const script =
        `\\set n :n + 1\n` + `insert into bench_pgbench (stream_id, seq, type, data) values ('pgbench:' || :run || ':' || :client_id, :n, '${TYPE}', :data::jsonb);\n`;
      let runNo = 0;
      for (const [clients, sb, label] of [
        [1, single.get('sb'), 'single'],
        [c.writers, concurrent.get('sb'), 'concurrent'],
      ] as const) {
        console.log(`[append/postgres] pgbench: ${clients} client(s), ${config.pgbenchSeconds} s`);
        try {
          const r = await runPgbench(pgbenchBin, fresh.url, script, clients, config.pgbenchSeconds, { n: '0', run: String(++runNo), data: JSON.stringify(payload(1)) });
          pgbenchRows.push([`${clients} client${clients > 1 ? 's' : ''} (vs ${label})`, fmtRate(r.tps), `${r.latencyMs.toFixed(3)} ms`, fmtRate(sb!.median), fmtRatio(sb!.median / r.tps), r.command]);
          summary.push(`Postgres ${label} vs pgbench -c ${clients}: Switchboard ${fmtRate(sb!.median)} vs ${fmtRate(r.tps)} = ${fmtRatio(sb!.median / r.tps)}`);
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
    console.log(`baseline: raw postgres.js (pool max 10) inserting the same rows into bench_event (LIKE event INCLUDING ALL: same columns, PK, indexes), seq supplied by the client, no global copy.`);
    console.log(`rates are medians of ${config.rounds} interleaved rounds after a warm-up; spread = worst/best round vs median.\n`);
    const row = (label: string, sb?: RateStats, base?: RateStats) => [
      label,
      statsCell(sb),
      spreadCell(sb),
      statsCell(base),
      spreadCell(base),
      sb && base ? fmtRatio(sb.median / base.median) : 'n/a',
    ];
    printTable(
      ['case', 'Switchboard ev/s', 'spread', 'baseline ev/s', 'spread', 'SB/baseline'],
      [
        row(`single (1 event/tx, ${fmtInt(c.single)} tx)`, single.get('sb'), single.get('raw')),
        row(`batched (${c.batchSize} events/tx; baseline: 1 multi-row insert)`, batched.get('sb'), batched.get('raw')),
        row(`concurrent (${c.writers} writers, ${c.writers} streams)`, concurrent.get('sb'), concurrent.get('raw')),
      ],
    );

    const loop = batched.get('rawLoop')!;
    console.log(
      `\nbatched, for scale: ${c.batchSize} separate raw single-row INSERTs per transaction: ${fmtRate(loop.median)} ` +
        `(Switchboard = ${fmtRatio(batched.get('sb')!.median / loop.median)} of that; it sends 2 seq-reserving statements per event).`,
    );
    console.log(
      `\nconcurrent, lock waits (untimed pass, ${lockSb.samples}/${lockRaw.samples} samples of pg_stat_activity): ` +
        `Switchboard ${lockSb.waiting.toFixed(2)} of ${lockSb.active.toFixed(2)} busy backends waiting on a lock on average; ` +
        `raw ${lockRaw.waiting.toFixed(2)} of ${lockRaw.active.toFixed(2)}.`,
    );
    console.log("  (every append also updates the one 'global' stream_head row and holds that row lock until COMMIT.)");

    console.log('\nsingle event, where the time goes (same run, same server):');
    printDecomposition(single);
    console.log(
      "  (the raw rows use postgres.js's cached named prepared statements; drizzle's db.execute() sends its SQL with prepare: false,\n" +
        '   so Postgres parses and plans both CTE inserts on every append — see node_modules/drizzle-orm/postgres-js/session.js)',
    );

    if (pgbenchBin) {
      console.log(`\npgbench (${pgbenchBin}), custom script: one-row insert into bench_pgbench, ${config.pgbenchSeconds} s per run:`);
      printTable(['pgbench', 'tps', 'latency', 'Switchboard ev/s', 'SB/pgbench', 'command'], pgbenchRows, [false, true, true, true, true, false]);
    } else {
      console.log('\npgbench: not found (which pgbench, /usr/lib/postgresql/*/bin) — skipped.');
    }

    const appendLines = (
      [
        ['single', single],
        ['batched', batched],
        ['concurrent', concurrent],
      ] as const
    ).map(([label, m]) => `Postgres append ${label}: Switchboard ${fmtRate(m.get('sb')!.median)} vs raw ${fmtRate(m.get('raw')!.median)} = ${fmtRatio(m.get('sb')!.median / m.get('raw')!.median)}`);
    appendLines.push(`Postgres concurrent lock waits: Switchboard ${lockSb.waiting.toFixed(2)}/${lockSb.active.toFixed(2)} busy backends waiting on a lock, raw ${lockRaw.waiting.toFixed(2)}/${lockRaw.active.toFixed(2)}`);
    summary.unshift(...appendLines);
    return { summary, failures };
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

    const sbSingle = (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) await inTransaction(deps, (_tx, emit) => emit(stream, { type: TYPE, data: payload(i) }));
      return n;
    };
    const rawSingle = (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) {
        await pglite.query('insert into bench_event (stream_id, seq, type, data) values ($1, $2, $3, $4::jsonb)', [stream, next(stream), TYPE, JSON.stringify(payload(i))]);
      }
      return n;
    };
    // Diagnostics, as for Postgres: the raw insert in a transaction, and Switchboard's own SQL sent raw.
    const rawSingleTx = (stream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) {
        await pglite.transaction((tx) =>
          tx.query('insert into bench_event (stream_id, seq, type, data) values ($1, $2, $3, $4::jsonb)', [stream, next(stream), TYPE, JSON.stringify(payload(i))]),
        );
      }
      return n;
    };
    const reserveInsert = `
      with head as (
        insert into stream_head (stream_id, last_seq) values ($1, 1)
        on conflict (stream_id) do update set last_seq = stream_head.last_seq + 1
        returning last_seq
      )
      insert into event (stream_id, seq, type, data, idempotency_key)
      select $1, head.last_seq, $2, $3::jsonb, null from head
      returning seq, created_at, data`;
    const rawSwitchboardSql = (stream: string, globalStream: string) => async (n: number) => {
      for (let i = 0; i < n; i++) {
        await pglite.transaction(async (tx) => {
          const own = await tx.query<{ seq: number }>(reserveInsert, [stream, TYPE, JSON.stringify(payload(i))]);
          await tx.query(reserveInsert, [globalStream, TYPE, JSON.stringify({ ...payload(i), stream, stream_seq: own.rows[0]!.seq })]);
        });
      }
      return n;
    };
    const sbBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        await inTransaction(deps, async (_tx, emit) => {
          for (let j = 0; j < c.batchSize; j++) await emit(stream, { type: TYPE, data: payload(j) });
        });
      }
      return batches * c.batchSize;
    };
    const rawBatched = (stream: string) => async (batches: number) => {
      for (let b = 0; b < batches; b++) {
        const params: unknown[] = [];
        const tuples: string[] = [];
        for (let j = 0; j < c.batchSize; j++) {
          const k = params.length;
          tuples.push(`($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}::jsonb)`);
          params.push(stream, next(stream), TYPE, JSON.stringify(payload(j)));
        }
        await pglite.transaction((tx) => tx.query(`insert into bench_event (stream_id, seq, type, data) values ${tuples.join(', ')}`, params));
      }
      return batches * c.batchSize;
    };

    console.log(`\n[append/pglite] single: ${fmtInt(c.single)} one-event transactions x ${config.rounds} rounds`);
    const single = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbSingle('single:sb:warm')(c.warmup), run: () => sbSingle('single:sb')(c.single) },
      { name: 'raw', warmup: () => rawSingle('single:raw:warm')(c.warmup), run: () => rawSingle('single:raw')(c.single) },
      { name: 'rawTx', warmup: () => rawSingleTx('single:rawtx:warm')(c.warmup), run: () => rawSingleTx('single:rawtx')(c.single) },
      {
        name: 'rawSb',
        warmup: () => rawSwitchboardSql('single:rawsb:warm', 'rawsb-global')(c.warmup),
        run: () => rawSwitchboardSql('single:rawsb', 'rawsb-global')(c.single),
      },
    ]);
    console.log(`[append/pglite] batched: ${c.batches} transactions x ${c.batchSize} events x ${config.rounds} rounds`);
    const batched = await interleaved(config.rounds, [
      { name: 'sb', warmup: () => sbBatched('batch:sb:warm')(1), run: () => sbBatched('batch:sb')(c.batches) },
      { name: 'raw', warmup: () => rawBatched('batch:raw:warm')(1), run: () => rawBatched('batch:raw')(c.batches) },
    ]);

    heading('Event append — embedded PGlite (openDatabase({ dataDir: tmp }))');
    console.log('baseline: raw pglite.query inserts of the same rows into bench_event (LIKE event INCLUDING ALL) in the same PGlite instance.');
    console.log('PGlite is one connection in this process: there is no concurrent case.\n');
    const row = (label: string, sb: RateStats, base: RateStats) => [label, statsCell(sb), spreadCell(sb), statsCell(base), spreadCell(base), fmtRatio(sb.median / base.median)];
    printTable(
      ['case', 'Switchboard ev/s', 'spread', 'baseline ev/s', 'spread', 'SB/baseline'],
      [
        row(`single (1 event/tx, ${fmtInt(c.single)} tx)`, single.get('sb')!, single.get('raw')!),
        row(`batched (${c.batchSize} events/tx; baseline: 1 multi-row insert)`, batched.get('sb')!, batched.get('raw')!),
      ],
    );
    console.log('\nsingle event, where the time goes (same run, same PGlite):');
    printDecomposition(single);
    return {
      summary: [
        `PGlite append single: Switchboard ${fmtRate(single.get('sb')!.median)} vs raw ${fmtRate(single.get('raw')!.median)} = ${fmtRatio(single.get('sb')!.median / single.get('raw')!.median)}`,
        `PGlite append batched: Switchboard ${fmtRate(batched.get('sb')!.median)} vs raw ${fmtRate(batched.get('raw')!.median)} = ${fmtRatio(batched.get('sb')!.median / batched.get('raw')!.median)}`,
      ],
      failures: [],
    };
  } finally {
    await database?.close();
    await releaseDir();
  }
}
