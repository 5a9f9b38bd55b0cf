import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { startTestServer, type TestServer } from '@/server/testing/harness';
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
    wss.handleUpgrade(req, socket, head, (ws) => {
      void writeWebSocket(
        ws,
        {
          streamId: decodeURIComponent(url.pathname.slice(1)),
          fromSeq: Number(url.searchParams.get('from_seq') ?? 1),
          message: (e) => ({ seq: e.seq, type: e.type }),
          closeAfter: (e) => e.type === 'done',
        },
        s.services,
        { keepAliveMs: url.searchParams.has('keep_alive_ms') ? Number(url.searchParams.get('keep_alive_ms')) : undefined },
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
