/**
 * WebSocket fan-out and reconnect storm: Switchboard's WebSocket writer (writeWebSocket →
 * followStream → bus, the canonical `{seq, type, data, created_at}` message) against a bare `ws`
 * server that serialises each message once and sends the same Buffer to every client.
 *
 * Section `ws`: 1,000 subscribers, measured like the SSE section (lib/fanout.ts): idle memory per
 * connection, throughput over rounds of M events, p50/p99 delivery latency. The bare server corks
 * every socket for a burst, so each client's messages of one burst leave in one write — as
 * node:http does for the SSE baseline, and as Switchboard's writer does per batch.
 *
 * Section `ws-storm`: a stream of K events, then N clients (5,000 in the full run) connect at once,
 * each resuming with `from_seq` from one of a few cursors, and must each receive every event from
 * its cursor to K exactly once and in order. Time = first connect until every client has seq K. The
 * bare server keeps the K messages in memory; Switchboard reads them from the log (identical
 * windows of concurrent readers share one read).
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { toStoredEventDto } from '@/server/core/events/event-dto';
import type { StoredEvent } from '@/server/core/events/streams';
import { createEventBus } from '@/server/stream/bus';
import { writeWebSocket } from '@/server/stream/websocket';
import type { SectionOutcome } from './event-append';
import { onCleanup } from './lib/cleanup';
import { config } from './lib/config';
import { closeServer, fanoutGoals, Fleet, goalLine, listen, openBenchDatabase, printVariants, runVariants, type Variant } from './lib/fanout';
import type { PgServer } from './lib/pg';
import { fmtInt, fmtMs, fmtRatio, fmtSpread, heading, printTable } from './lib/table';
import { median } from './lib/timing';
import { insertUnpublished, payload, TYPE, type Deps } from './sse-fanout';

/** A WebSocket server on its own node:http server; `onSocket` gets each client and its `from_seq` (1 when absent). */
function wsServer(onSocket: (ws: WebSocket, fromSeq: number, socket: Duplex) => void): { server: http.Server; close: () => void } {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket: Duplex, head) => {
    const fromSeq = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('from_seq') ?? 1);
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, fromSeq, socket));
  });
  return {
    server,
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/**
 * The bare `ws` server: every message serialised once (the same shape Switchboard sends) and the
 * Buffer sent to every client; it keeps what it sent, so a client resuming with from_seq gets the
 * backlog from memory and then follows live.
 */
function bareWs() {
  const sent: Buffer[] = [];
  const live = new Map<WebSocket, Duplex>();
  const { server, close } = wsServer((ws, fromSeq, socket) => {
    // The backlog leaves in one write (corked), as Switchboard's replay does.
    socket.cork();
    for (let i = Math.max(1, fromSeq) - 1; i < sent.length; i++) ws.send(sent[i]!, { binary: false });
    socket.uncork();
    live.set(ws, socket);
    ws.on('close', () => live.delete(ws));
  });
  /** Sends `count` new messages to every client; each socket is corked for the burst (one write per client, as node:http does for SSE). */
  const broadcast = (count: number) => {
    for (const socket of live.values()) socket.cork();
    for (let i = 0; i < count; i++) {
      const seq = sent.length + 1;
      const message = Buffer.from(JSON.stringify({ seq, type: TYPE, data: payload(i), created_at: new Date().toISOString() }));
      sent.push(message);
      for (const ws of live.keys()) ws.send(message, { binary: false });
    }
    for (const socket of live.values()) socket.uncork();
  };
  return { server, close, broadcast };
}

/** Switchboard's canonical run-event socket minus routing/auth: the descriptor the endpoint returns, handed to writeWebSocket. */
function switchboardWs(deps: Deps, streamId: string) {
  return wsServer((ws, fromSeq, socket) => {
    void writeWebSocket(ws, { streamId, fromSeq, message: toStoredEventDto, shape: 'stored-event-dto' }, deps, { socket });
  });
}

function baselineVariant(): Variant {
  const { server, close, broadcast } = bareWs();
  return {
    name: 'bare ws server, pre-serialised broadcast (baseline)',
    server,
    scheme: 'ws',
    close,
    publish(count) {
      broadcast(count);
    },
  };
}

function switchboardBusVariant(deps: Deps, streamId: string): Variant {
  const { server, close } = switchboardWs(deps, streamId);
  return {
    name: 'Switchboard writeWebSocket, bus.publish of pre-inserted events (fan-out only)',
    server,
    scheme: 'ws',
    close,
    prepare: (count) => insertUnpublished(deps, streamId, count),
    publish(_count, prepared) {
      deps.bus.publish(prepared as StoredEvent[]);
    },
  };
}

export async function benchWsFanout(pg: PgServer | null): Promise<SectionOutcome> {
  const c = config.ws;
  const bench = await openBenchDatabase(pg, 'ws');
  try {
    const deps = { db: bench.database.db, bus: createEventBus() };
    console.log('');
    const results = await runVariants('ws', c, [baselineVariant(), switchboardBusVariant(deps, 'ws:bus')], bench.name);
    heading(`WebSocket fan-out — ${fmtInt(c.clients)} subscribers on 127.0.0.1, ${c.events} events per round, ${c.rounds} round(s)`);
    console.log(`database for Switchboard: ${bench.label}; clients: one node process per variant (ws, no compression).`);
    console.log('time = first publish until every client has every message (median of rounds); deliveries = clients x events.\n');
    printVariants(c, results, bench.name !== undefined);
    const [base, sb] = results as [(typeof results)[0], (typeof results)[0]];
    const goals = fanoutGoals('WebSocket', sb, base, c).map(goalLine);
    console.log('');
    for (const g of goals) console.log(g);
    return { summary: goals, failures: [] };
  } finally {
    await bench.close();
  }
}

interface StormVariant {
  name: string;
  server: http.Server;
  close: () => void;
  times: number[];
  violations: number;
  errors: number;
  firstError: string;
}

export async function benchWsStorm(pg: PgServer | null): Promise<SectionOutcome> {
  const c = config.wsStorm;
  const bench = await openBenchDatabase(pg, 'ws-storm');
  const variants: StormVariant[] = [];
  const releases: Array<() => Promise<void>> = [];
  try {
    const deps = { db: bench.database.db, bus: createEventBus() };
    const streamId = 'ws:storm';
    // The log holds K events (Switchboard); the bare server holds the same K messages in memory.
    await insertUnpublished(deps, streamId, c.events);
    const bare = bareWs();
    bare.broadcast(c.events);
    const sb = switchboardWs(deps, streamId);
    const urls: string[] = [];
    for (const [name, s] of [
      ['bare ws server, backlog in memory (baseline)', bare],
      ['Switchboard writeWebSocket, backlog from the log', sb],
    ] as const) {
      urls.push(await listen(s.server, '/events', 'ws'));
      releases.push(
        onCleanup(`close ${name}`, async () => {
          s.close();
          await closeServer(s.server);
        }),
      );
      variants.push({ name, server: s.server, close: s.close, times: [], violations: 0, errors: 0, firstError: '' });
    }

    console.log('');
    for (let r = 0; r < c.rounds; r++) {
      for (let k = 0; k < variants.length; k++) {
        const i = (k + r) % variants.length;
        const v = variants[i]!;
        console.log(`[ws-storm] round ${r + 1}/${c.rounds}: ${fmtInt(c.clients)} clients resume at once: ${v.name}`);
        const fleet = Fleet.start('ws');
        try {
          const got = await fleet.storm(urls[i]!, c.clients, c.fromSeqs, c.events, c.timeoutMs);
          v.times.push(got.ms);
          v.violations += got.violations;
          v.errors += got.errors;
          v.firstError ||= got.firstError;
        } finally {
          await fleet.close();
        }
        // Let the closed sockets go before the next storm.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }

    const deliveries = c.clients * (c.fromSeqs.reduce((sum, from) => sum + (c.events - from + 1), 0) / c.fromSeqs.length);
    heading(`WebSocket reconnect storm — ${fmtInt(c.clients)} clients resume with from_seq in {${c.fromSeqs.join(', ')}} of a ${c.events}-event stream`);
    console.log(`database for Switchboard: ${bench.label}; time = first connect until every client has the last event (median of ${c.rounds} round(s)).`);
    console.log(`each client must receive every seq from its cursor to ${c.events} exactly once, in order (~${fmtInt(deliveries)} messages per storm).\n`);
    const baseMs = median(variants[0]!.times);
    printTable(
      ['variant', 'caught up', 'spread', 'vs baseline', 'errors', 'gaps/duplicates'],
      variants.map((v) => {
        const ms = median(v.times);
        return [v.name, fmtMs(ms), fmtSpread(Math.min(...v.times), Math.max(...v.times), ms, v.times.length), fmtRatio(baseMs / ms), fmtInt(v.errors), fmtInt(v.violations)];
      }),
      [false, true, true, true, true, true],
    );
    const sbv = variants[1]!;
    const sbMs = median(sbv.times);
    const exact = sbv.violations === 0 && sbv.errors === 0;
    const met = exact && sbMs <= 2 * baseMs;
    const goal =
      `WebSocket ${fmtInt(c.clients)}-client reconnect storm caught up exactly-once within 2x a bare ws server: ${fmtMs(sbMs)} vs ${fmtMs(baseMs)}` +
      ` = ${(sbMs / baseMs).toFixed(2)}x the time, ${sbv.errors} errors, ${sbv.violations} gaps/duplicates — ${met ? 'MET' : 'NOT MET'}`;
    console.log(`\n${goal}`);
    if (sbv.firstError) console.log(`(first client error: ${sbv.firstError})`);
    return { summary: [goal], failures: [] };
  } finally {
    for (const release of releases) await release();
    await bench.close();
  }
}
