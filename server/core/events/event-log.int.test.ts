import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { followStream } from '@/server/stream/reader';
import { readEvents } from './read-events';
import { GLOBAL_STREAM } from './streams';
import { inTransaction } from './unit-of-work';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('event log', () => {
  it('numbers each stream from 1 with no gaps, also under concurrent appends and rollbacks', async () => {
    const stream = 'test:gapless';
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        inTransaction(s.services, async (_tx, emit) => {
          await emit(stream, { type: 'tick', data: { i } });
          if (i % 7 === 3) throw new Error('rolled back');
        }).catch(() => {}),
      ),
    );
    const events = await readEvents(s.services.db, stream);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.length).toBe(40 - 6);
  });

  it('an append with a repeated idempotency key is a no-op', async () => {
    const stream = 'test:idem';
    for (let i = 0; i < 3; i++) await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'once', data: {}, idempotencyKey: 'k1' }));
    expect((await readEvents(s.services.db, stream)).length).toBe(1);
  });

  it('copies every event into the global stream, naming its origin', async () => {
    await inTransaction(s.services, (_tx, emit) => emit('test:global', { type: 'hello', data: { x: 1 } }));
    const global = await readEvents(s.services.db, GLOBAL_STREAM);
    expect(global.at(-1)).toMatchObject({ type: 'hello', data: { x: 1, stream: 'test:global', stream_seq: 1 } });
  });

  it('a follower that starts while events are being written loses none and repeats none', async () => {
    const stream = 'test:follow';
    const writer = (async () => {
      for (let i = 0; i < 60; i++) await inTransaction(s.services, (_tx, emit) => emit(stream, { type: i === 59 ? 'end' : 'tick', data: { i } }));
    })();
    await new Promise((r) => setTimeout(r, 20));
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const e of followStream(s.services.db, s.services.bus, stream, { fromSeq: 1, signal: controller.signal, until: (ev) => ev.type === 'end' })) seen.push(e.seq);
    await writer;
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});
