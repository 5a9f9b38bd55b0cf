import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { appendAndCommit } from '@/server/core/events/unit-of-work';
import { currentGlobalFence } from '@/server/core/events/read-global';
import { followGlobal } from './global-tail';
import { followStream } from './reader';

describe.skipIf(!process.env.DATABASE_URL)('two processes on one Postgres', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({}, { shareDatabaseWith: a });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('a reader in one process sees, live and in order, what the other process commits', async () => {
    const stream = 'test:fanout';
    const controller = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const e of followStream(b.services.db, b.services.bus, stream, { fromSeq: 1, signal: controller.signal, until: (ev) => ev.type === 'end' })) seen.push(e.seq);
    })();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 20; i++) await inTransaction(a.services, (_tx, emit) => emit(stream, { type: i === 19 ? 'end' : 'tick', data: { i } }));
    const timer = setTimeout(() => controller.abort(), 5000);
    await reading;
    clearTimeout(timer);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("a global reader in one process sees the other process's commits, live, once each and in order", async () => {
    const controller = new AbortController();
    const seen: Array<{ stream: string; seq: number; pos: number }> = [];
    const reading = (async () => {
      const start = (await currentGlobalFence(b.services.db)) - 1;
      for await (const e of followGlobal(b.services, { afterPos: start, signal: controller.signal })) {
        if (!e.streamId.startsWith('test:gfanout')) continue;
        seen.push({ stream: e.streamId, seq: e.seq, pos: e.globalPos });
        if (e.type === 'end') break;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 10; i++) await inTransaction(a.services, (_tx, emit) => emit('test:gfanout:tx', { type: 'tick', data: { i } }));
    for (let i = 0; i < 10; i++) await appendAndCommit(a.services, 'test:gfanout:alone', { type: i === 9 ? 'end' : 'tick', data: { i } });
    const timer = setTimeout(() => controller.abort(), 5000);
    await reading;
    clearTimeout(timer);
    expect(seen.map((e) => [e.stream, e.seq])).toEqual([
      ...Array.from({ length: 10 }, (_, i) => ['test:gfanout:tx', i + 1]),
      ...Array.from({ length: 10 }, (_, i) => ['test:gfanout:alone', i + 1]),
    ]);
    expect(seen.map((e) => e.pos)).toEqual(seen.map((e) => e.pos).sort((x, y) => x - y));
  });
});
