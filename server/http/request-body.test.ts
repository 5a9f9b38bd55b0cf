import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRequestBody, type DrainLimits } from './request-body';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that refuses every POST with 413 without reading its body, as a size check does. */
async function refusingServer(limits: DrainLimits): Promise<number> {
  server = http.createServer((req, res) => {
    guardRequestBody(req, res, limits);
    if (req.method === 'POST') {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('too large');
      return;
    }
    res.end('ok');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw client: writes the request head, then body chunks; records what comes back and whether the server closed. */
function rawClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let closedByServer = false;
  socket.on('data', (d) => (received += d));
  socket.on('end', () => (closedByServer = true));
  socket.on('error', () => (closedByServer = true));
  return {
    socket,
    received: () => received,
    closedByServer: () => closedByServer,
    async waitFor(pred: () => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out; received: ${received}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

const limits: DrainLimits = { maxBytes: 64 * 1024, timeoutMs: 5000 };

describe('a response sent before the request body was read', () => {
  it('reads the rest of a body within the bound and keeps the connection for the next request', async () => {
    const client = rawClient(await refusingServer(limits));
    const body = Buffer.alloc(32 * 1024, 'a');
    client.socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\n\r\n`);
    await client.waitFor(() => client.received().includes('too large'));
    expect(client.received()).not.toMatch(/connection: close/i);
    client.socket.write(body);
    client.socket.write('GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await client.waitFor(() => client.received().endsWith('ok'));
    expect(client.closedByServer()).toBe(false);
    client.socket.destroy();
  });

  it('answers a body declared larger than the bound, and closes the connection', async () => {
    const client = rawClient(await refusingServer(limits));
    client.socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${limits.maxBytes * 10}\r\n\r\n`);
    await client.waitFor(() => client.closedByServer());
    expect(client.received()).toMatch(/^HTTP\/1\.1 413/);
    expect(client.received()).toMatch(/connection: close/i);
  });

  it('closes the connection once a chunked body runs past the bound', async () => {
    const client = rawClient(await refusingServer(limits));
    client.socket.write('POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n');
    await client.waitFor(() => client.received().includes('too large'));
    const chunk = Buffer.alloc(16 * 1024, 'a');
    for (let sent = 0; sent <= limits.maxBytes * 2 && !client.closedByServer(); sent += chunk.length) {
      client.socket.write(`${chunk.length.toString(16)}\r\n`);
      client.socket.write(chunk);
      client.socket.write('\r\n');
      await new Promise((r) => setTimeout(r, 5));
    }
    await client.waitFor(() => client.closedByServer());
  });

  it('closes the connection when the rest of the body does not arrive in time', async () => {
    const client = rawClient(await refusingServer({ maxBytes: limits.maxBytes, timeoutMs: 200 }));
    client.socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nonly a little`);
    await client.waitFor(() => client.closedByServer());
    expect(client.received()).toMatch(/^HTTP\/1\.1 413/);
  });
});
