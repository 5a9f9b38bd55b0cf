import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { SLOW_READER_CLOSE_CODE } from './slow-reader';
import { writeWebSocket } from './websocket';

let s: TestServer;
let server: http.Server;
let base: string;

beforeAll(async () => {
  s = await startTestServer();
  const wss = new WebSocketServer({ noServer: true });
  server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const option = (name: string) => (url.searchParams.has(name) ? Number(url.searchParams.get(name)) : undefined);
    // ?with_data=1 sends each event's data too (big events fill a slow reader's buffers); ?shape= shares serialised messages.
    const withData = url.searchParams.has('with_data');
    wss.handleUpgrade(req, socket, head, (ws) => {
      void writeWebSocket(
        ws,
        {
          streamId: decodeURIComponent(url.pathname.slice(1)),
          fromSeq: Number(url.searchParams.get('from_seq') ?? 1),
          message: (e) => (withData ? { seq: e.seq, type: e.type, data: e.data } : { seq: e.seq, type: e.type }),
          shape: url.searchParams.get('shape') ?? undefined,
          closeAfter: (e) => e.type === 'done',
        },
        s.services,
        { keepAliveMs: option('keep_alive_ms'), maxPendingBytes: option('max_pending_bytes'), slowReaderMs: option('slow_reader_ms') },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await s.close();
});

function collect(url: string): Promise<Array<{ seq: number; type: string }>> {
  return new Promise((resolve, reject) => {
    const got: Array<{ seq: number; type: string }> = [];
    const ws = new WebSocket(url);
    ws.on('message', (m) => got.push(JSON.parse(String(m))));
    ws.on('close', () => resolve(got));
    ws.on('error', reject);
  });
}

describe('WebSocket writer', () => {
  it('replays from from_seq (inclusive), follows live, and closes after the terminal event', async () => {
    const stream = 'test:ws';
    for (let i = 0; i < 3; i++) await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'tick', data: {} }));
    const all = collect(`${base}/${stream}`);
    const fromTwo = collect(`${base}/${stream}?from_seq=2`);
    await new Promise((r) => setTimeout(r, 100));
    await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'tick', data: {} }));
    await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'done', data: {} }));
    expect((await all).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await fromTwo).toEqual([
      { seq: 2, type: 'tick' },
      { seq: 3, type: 'tick' },
      { seq: 4, type: 'tick' },
      { seq: 5, type: 'done' },
    ]);
  });
});

/** Every message as the client received it (raw text), and how the socket closed. */
function collectRaw(url: string): Promise<{ messages: string[]; code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const messages: string[] = [];
    const ws = new WebSocket(url);
    ws.on('message', (m) => messages.push(String(m)));
    ws.on('close', (code, reason) => resolve({ messages, code, reason: String(reason) }));
    ws.on('error', reject);
  });
}

const seqsOf = (messages: string[]) => messages.map((m) => (JSON.parse(m) as { seq: number }).seq);

describe('WebSocket writer fan-out', () => {
  it('sends every subscriber of a stream byte-identical messages', async () => {
    const stream = 'test:ws-identical';
    const clients = Array.from({ length: 8 }, () => collectRaw(`${base}/${stream}?shape=test&with_data=1`));
    await new Promise((r) => setTimeout(r, 150));
    for (let i = 0; i < 3; i++) await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'tick', data: { i, text: 'caf\u00e9' } }));
    await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'done', data: {} }));
    const got = await Promise.all(clients);
    expect(seqsOf(got[0]!.messages)).toEqual([1, 2, 3, 4]);
    expect(got[0]!.messages[0]).toBe('{"seq":1,"type":"tick","data":{"i":0,"text":"caf\u00e9"}}');
    for (const client of got) {
      expect(client.messages).toEqual(got[0]!.messages);
      expect(client.code).toBe(1000);
    }
  });

  it('closes a reader that stops reading with 4008 naming from_seq, and the resume gets every event exactly once', async () => {
    const stream = 'test:ws-slow';
    const total = 120;
    const limits = 'with_data=1&max_pending_bytes=65536&slow_reader_ms=200';
    const ws = new WebSocket(`${base}/${stream}?${limits}`);
    const messages: string[] = [];
    ws.on('message', (m) => messages.push(String(m)));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    await new Promise((r) => ws.once('open', r));
    await new Promise((r) => setTimeout(r, 100));
    // Stop reading: the socket's buffers fill and the server's pending bytes grow.
    ws.pause();
    await inTransaction(s.services, async (_tx, emit) => {
      for (let i = 1; i < total; i++) await emit(stream, { type: 'tick', data: { i, pad: 'x'.repeat(100_000) } });
      await emit(stream, { type: 'done', data: {} });
    });
    // Longer than slow_reader_ms: the server gives up on it.
    await new Promise((r) => setTimeout(r, 800));
    ws.resume();
    const { code, reason } = await closed;
    expect(code).toBe(SLOW_READER_CLOSE_CODE);
    const fromSeq = Number(/from_seq=(\d+)/.exec(reason)?.[1]);
    const first = seqsOf(messages);
    // Everything before the named cursor arrived ahead of the close frame.
    expect(first).toEqual(Array.from({ length: fromSeq - 1 }, (_, i) => i + 1));
    expect(fromSeq).toBeLessThan(total);

    // The resume replays ~100 messages of 100 KB, far past the pending limit: a reader that keeps up
    // is paced, not dropped (a longer grace, so a test process stalled by a busy machine still keeps up).
    const rest = await collectRaw(`${base}/${stream}?with_data=1&max_pending_bytes=65536&slow_reader_ms=5000&from_seq=${fromSeq}`);
    expect(rest.code).toBe(1000);
    expect([...first, ...seqsOf(rest.messages)]).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('many readers resuming from the same seq at once each get the rest exactly once', async () => {
    const stream = 'test:ws-storm';
    await inTransaction(s.services, async (_tx, emit) => {
      for (let i = 1; i <= 20; i++) await emit(stream, { type: 'tick', data: { i } });
    });
    const clients = Array.from({ length: 30 }, () => collectRaw(`${base}/${stream}?shape=test&from_seq=11`));
    await new Promise((r) => setTimeout(r, 150));
    await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'done', data: {} }));
    for (const client of await Promise.all(clients)) expect(seqsOf(client.messages)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });
});

describe('WebSocket keep-alive', () => {
  const idle = 'test:idle';

  it('pings a quiet stream and keeps a peer that answers with pongs', async () => {
    const ws = new WebSocket(`${base}/${idle}?keep_alive_ms=50`);
    let pings = 0;
    ws.on('ping', () => pings++);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((r) => ws.once('open', r));
    await new Promise((r) => setTimeout(r, 400));
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    expect(await closed).toBe(1005);
  });

  it('cuts off a peer that stops answering pings', async () => {
    const ws = new WebSocket(`${base}/${idle}?keep_alive_ms=50`, { autoPong: false });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((r) => ws.once('open', r));
    // Terminated without a close frame: the client sees an abnormal closure.
    expect(await closed).toBe(1006);
  });
});
