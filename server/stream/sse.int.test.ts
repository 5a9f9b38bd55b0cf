import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { openSse } from '@/server/testing/sse-client';
import { resolveCursor, sseStream, writeSse } from './sse';

let s: TestServer;
let server: http.Server;
let base: string;

beforeAll(async () => {
  s = await startTestServer();
  // The SSE writer behind a bare server: the stream is the path, the cursor and the slow-reader limits are query parameters.
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const headers = new Headers(req.headers as Record<string, string>);
    const stream = sseStream({
      streamId: decodeURIComponent(url.pathname.slice(1)),
      fromSeq: resolveCursor(headers, url.searchParams.get('from_seq') ?? undefined),
      frame: (e) => ({ event: e.type, data: e.data }),
      shape: 'test',
      closeAfter: (e) => e.type === 'done',
    });
    const option = (name: string) => (url.searchParams.has(name) ? Number(url.searchParams.get(name)) : undefined);
    void writeSse(res, stream, s.services, { maxPendingBytes: option('max_pending_bytes'), slowReaderMs: option('slow_reader_ms') });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await s.close();
});

function get(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => http.get(url, { headers }, resolve).on('error', reject));
}

/** The whole body as the client received it, once the server ends the response. */
function bodyOf(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  res.on('data', (chunk: string) => (text += chunk));
  return new Promise((resolve, reject) => {
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

const idsIn = (body: string) => [...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
/** The ids of the frames a client would dispatch: whole ones, ended by a blank line (a cut-off tail is not). */
const wholeFrameIds = (body: string) => idsIn(body.slice(0, body.lastIndexOf('\n\n') + 2));

describe('SSE writer fan-out', () => {
  it('sends every subscriber of a stream byte-identical frames', async () => {
    const stream = 'test:sse-identical';
    const readers = await Promise.all(Array.from({ length: 8 }, () => get(`${base}/${stream}`)));
    const bodies = readers.map(bodyOf);
    // Let every reader finish its (empty) replay and follow live.
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 3; i++) await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'tick', data: { i, text: 'line one\nline two' } }));
    await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'done', data: {} }));
    const texts = await Promise.all(bodies);
    expect(idsIn(texts[0]!)).toEqual([1, 2, 3, 4]);
    expect(texts[0]).toContain('event: tick\ndata: {"i":0,"text":"line one\\nline two"}\n\n');
    for (const text of texts) expect(text).toBe(texts[0]);
  });

  it('drops a reader that stops reading, and its Last-Event-ID resume gets every event exactly once', async () => {
    const stream = 'test:sse-slow';
    const total = 120;
    const limits = 'max_pending_bytes=65536&slow_reader_ms=200';
    const slow = await get(`${base}/${stream}?${limits}`);
    slow.setEncoding('utf8');
    let received = '';
    slow.on('data', (chunk: string) => (received += chunk));
    // Ended, or cut off once it is still not reading after the grace period: either way it closes.
    const closed = new Promise<void>((resolve) => slow.on('close', resolve));
    await new Promise((r) => setTimeout(r, 100));
    // Stop reading: the socket's buffers fill and the server's pending bytes grow.
    slow.pause();
    await inTransaction(s.services, async (_tx, emit) => {
      for (let i = 1; i < total; i++) await emit(stream, { type: 'tick', data: { i, pad: 'x'.repeat(100_000) } });
      await emit(stream, { type: 'done', data: {} });
    });
    // Longer than slow_reader_ms: the server gives up on it.
    await new Promise((r) => setTimeout(r, 800));
    slow.resume();
    await closed;
    const first = wholeFrameIds(received);
    // Dropped before the terminal event.
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(total);

    // The resume replays ~100 frames of 100 KB, far past the pending limit: a reader that keeps up
    // is paced, not dropped. Its grace is longer, so a test process stalled by a busy machine still
    // counts as keeping up; were it dropped anyway, it resumes again, as a client would.
    const seen = [...first];
    for (let attempt = 0; attempt < 5 && seen.at(-1) !== total; attempt++) {
      const resumed = await openSse(`${base}/${stream}?max_pending_bytes=65536&slow_reader_ms=5000`, { 'last-event-id': String(seen.at(-1)) });
      await resumed.ended;
      seen.push(...resumed.frames.map((f) => Number(f.id)));
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('many readers resuming from the same seq at once each get the rest exactly once', async () => {
    const stream = 'test:sse-storm';
    await inTransaction(s.services, async (_tx, emit) => {
      for (let i = 1; i <= 20; i++) await emit(stream, { type: 'tick', data: { i } });
    });
    const readers = await Promise.all(Array.from({ length: 30 }, () => get(`${base}/${stream}?from_seq=11`)));
    const bodies = readers.map(bodyOf);
    await new Promise((r) => setTimeout(r, 100));
    // The terminal event, live, ends every stream.
    await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'done', data: {} }));
    for (const body of await Promise.all(bodies)) expect(idsIn(body)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });
});
