import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { writeWebSocket } from '@/server/stream/websocket';
import { closeStreamsOf, openStreamCount, trackStream } from './open-streams';

let s: TestServer;
let server: http.Server;
let base: string;

// WebSocket endpoints get their revocation hook from the endpoint layer; here the writer is driven
// directly, with the hook a key's stream would have.
beforeAll(async () => {
  s = await startTestServer();
  const wss = new WebSocketServer({ noServer: true });
  server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    const credential = new URL(req.url ?? '/', 'http://x').searchParams.get('credential')!;
    wss.handleUpgrade(req, socket, head, (ws) => {
      void writeWebSocket(ws, { streamId: 'test:revocation', fromSeq: 1, message: (e) => ({ seq: e.seq }), untilRevoked: (close) => trackStream([credential], close) }, s.services);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await s?.close();
});

describe('revoking a credential closes its WebSocket streams', () => {
  it('closes the sockets opened with the revoked credential within a second, and only those', async () => {
    const open = (credential: string) =>
      new Promise<{ ws: WebSocket; closed: Promise<number> }>((resolve, reject) => {
        const ws = new WebSocket(`${base}/?credential=${credential}`);
        const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
        ws.on('open', () => resolve({ ws, closed }));
        ws.on('error', reject);
      });
    const revoked = await open('apikey:k1');
    const other = await open('apikey:k2');
    // The writer registers once the socket is open.
    for (let i = 0; i < 50 && openStreamCount('apikey:k1') === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(openStreamCount('apikey:k1')).toBe(1);

    const at = Date.now();
    expect(closeStreamsOf('apikey:k1')).toBe(1);
    expect(await revoked.closed).toBe(4401);
    expect(Date.now() - at).toBeLessThan(1000);

    expect(other.ws.readyState).toBe(WebSocket.OPEN);
    other.ws.close();
    await other.closed;
    // A closed stream unregisters itself.
    for (let i = 0; i < 50 && openStreamCount('apikey:k2') > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(openStreamCount('apikey:k2')).toBe(0);
  });
});
