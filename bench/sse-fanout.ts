/**
 * SSE fan-out to 1,000 subscribers: Switchboard's SSE writer (writeSse → followStream → bus) against
 * a bare node:http broadcaster (a Set of responses, each message serialised once and res.write-n to
 * all of them). The harness (lib/fanout.ts) measures, per variant: idle memory per connection,
 * throughput over timed rounds of M events (first publish → every client has every `id:` frame),
 * and delivery latency of events published one at a time. Variants:
 *   - baseline: the bare broadcaster;
 *   - Switchboard, bus only: the events are inserted first (untimed), then the timed part is one
 *     bus.publish([...]) — fan-out cost alone;
 *   - control: the bare broadcaster, but awaiting one raw INSERT before each event — paced by a DB
 *     round trip like the next row, so that row's ratio can be read without the DB in it;
 *   - Switchboard, append per event: M sequential appendAndCommit calls (the engine's path for streamed
 *     text: one statement each, committed by itself), each publishing on the bus
 *     after commit — what a run emitting events actually does, so it includes a DB write per event.
 */
import http from 'node:http';
import postgres from 'postgres';
import type { Database } from '@/db/client';
import type { StoredEvent } from '@/server/core/events/streams';
import { appendAndCommit, inTransaction } from '@/server/core/events/unit-of-work';
import { createEventBus, type EventBus } from '@/server/stream/bus';
import { sseStream, writeSse } from '@/server/stream/sse';
import type { SectionOutcome } from './event-append';
import { config } from './lib/config';
import { fanoutGoals, goalLine, openBenchDatabase, printVariants, runVariants, type Variant } from './lib/fanout';
import type { PgServer } from './lib/pg';
import { fmtInt, fmtMs, fmtRatio, heading } from './lib/table';
import { median } from './lib/timing';

export const TYPE = 'bench.tick';
export const payload = (i: number) => ({ i, kind: 'tick', text: 'the quick brown fox jumps over the lazy dog', ok: true });

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

export type Deps = { db: Database['db']; bus: EventBus };

/**
 * Inserts `count` events through the real append path but captures what inTransaction would
 * publish instead of publishing it, so a variant's timed part can publish that batch.
 */
export async function insertUnpublished(deps: Deps, streamId: string, count: number): Promise<StoredEvent[]> {
  const captured: StoredEvent[] = [];
  const capture: EventBus = { ...deps.bus, publish: (events) => void captured.push(...events) };
  await inTransaction({ db: deps.db, bus: capture }, async (_tx, emit) => {
    for (let i = 0; i < count; i++) await emit(streamId, { type: TYPE, data: payload(i) });
  });
  return captured;
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
    // Same frame shape Switchboard writes: id, event, one data line; serialised once for everyone.
    const frame = Buffer.from(`id: ${++seq}\nevent: ${TYPE}\ndata: ${JSON.stringify(payload(i))}\n\n`);
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
function switchboardServer(deps: Deps, streamId: string): http.Server {
  return http.createServer((_req, res) => {
    void writeSse(res, sseStream({ streamId, fromSeq: 1, frame: (e) => ({ event: e.type, data: e.data }), shape: 'bench' }), deps).catch(() => {});
  });
}

function switchboardBusVariant(deps: Deps, streamId: string): Variant {
  return {
    name: 'Switchboard writeSse, bus.publish of pre-inserted events (fan-out only)',
    server: switchboardServer(deps, streamId),
    prepare: (count) => insertUnpublished(deps, streamId, count),
    publish(_count, prepared) {
      deps.bus.publish(prepared as StoredEvent[]);
    },
  };
}

function switchboardAppendVariant(deps: Deps, streamId: string): Variant {
  return {
    name: 'Switchboard writeSse, appendAndCommit per event (DB write + fan-out)',
    server: switchboardServer(deps, streamId),
    async publish(count) {
      for (let i = 0; i < count; i++) await appendAndCommit(deps, streamId, { type: TYPE, data: payload(i) });
    },
  };
}

export async function benchSseFanout(pg: PgServer | null): Promise<SectionOutcome> {
  const c = config.sse;
  const bench = await openBenchDatabase(pg, 'sse');
  let closeRaw: (() => Promise<void>) | undefined;
  try {
    const { database } = bench;
    const deps = { db: database.db, bus: createEventBus() };

    // The control's raw insert: same database, same columns and keys as `event`.
    let insert: (seq: number, data: unknown) => Promise<unknown>;
    if (database.pglite) {
      const pglite = database.pglite;
      await pglite.exec('create table bench_sse (like event including all)');
      insert = (seq, data) => pglite.query('insert into bench_sse (stream_id, seq, global_pos, type, data) values ($1, $2, $2, $3, $4::jsonb)', ['sse:control', seq, TYPE, JSON.stringify(data)]);
    } else {
      const sql = postgres(bench.url!, { max: 2, onnotice: () => {} });
      closeRaw = () => sql.end({ timeout: 5 });
      await sql`create table bench_sse (like event including all)`;
      insert = (seq, data) => sql`insert into bench_sse (stream_id, seq, global_pos, type, data) values ('sse:control', ${seq}, ${seq}, ${TYPE}, ${JSON.stringify(data)}::jsonb)`;
    }

    console.log('');
    const results = await runVariants(
      'sse',
      c,
      [baselineVariant(), switchboardBusVariant(deps, 'sse:bus'), baselineVariant(insert), switchboardAppendVariant(deps, 'sse:append')],
      bench.name,
    );

    heading(`SSE fan-out — ${fmtInt(c.clients)} subscribers on 127.0.0.1, ${c.events} events per round, ${c.rounds} round(s)`);
    console.log(`database for Switchboard: ${bench.label}; clients: one node process per variant (node:http, keepAlive agent).`);
    console.log('all variants stay connected; rounds interleave (rotating order) after a warm-up burst per variant.');
    console.log('time = first publish until every client has counted every id: frame (median of rounds); deliveries = clients x events.');
    console.log('NOTE: the "appendAndCommit per event" row includes one committed append per event (sequential, one statement each); the bus-only row');
    console.log('isolates fan-out; the control row is the bare broadcaster paced by one raw INSERT per event.\n');
    printVariants(c, results, bench.name !== undefined);

    const [base, bus, ctl, app] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0], (typeof results)[0]];
    const line = (r: typeof base, label: string) => {
      const ms = median(r.roundsMs);
      return (
        `SSE fan-out ${label}: ${fmtMs(ms)} vs baseline ${fmtMs(median(base.roundsMs))} = ${fmtRatio(median(base.roundsMs) / ms)};` +
        ` server CPU ${r.serverUsPerDelivery.toFixed(1)} vs ${base.serverUsPerDelivery.toFixed(1)} us/delivery = ${fmtRatio(base.serverUsPerDelivery / r.serverUsPerDelivery)}`
      );
    };
    const vsControl =
      `SSE fan-out Switchboard append-per-event vs bare broadcaster + raw INSERT per event: ${fmtMs(median(app.roundsMs))} vs ${fmtMs(median(ctl.roundsMs))} = ${fmtRatio(median(ctl.roundsMs) / median(app.roundsMs))};` +
      ` p99 ${fmtMs(app.latencyP99)} vs ${fmtMs(ctl.latencyP99)}`;
    const goals = fanoutGoals('SSE', bus, base, c).map(goalLine);
    console.log('');
    for (const g of goals) console.log(g);
    return { summary: [line(bus, 'Switchboard bus-only'), line(app, 'Switchboard append-per-event (incl. DB)'), vsControl, ...goals], failures: [] };
  } finally {
    await closeRaw?.();
    await bench.close();
  }
}
