import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { followStream } from '@/server/stream/reader';
import { followGlobal } from '@/server/stream/global-tail';
import { MAX_EVENTS_PER_TRANSACTION, TooManyEventsError } from './global-position';
import { readEvents } from './read-events';
import { currentGlobalFence, readGlobal } from './read-global';
import type { StoredEvent } from './streams';
import { appendAndCommit, inTransaction } from './unit-of-work';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const expectGapless = (events: StoredEvent[]) => expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

/** Collects what `followGlobal` yields from `afterPos` until `done` says it has seen enough. */
function followGlobalUntil(afterPos: number, done: (seen: StoredEvent[]) => boolean) {
  const controller = new AbortController();
  const seen: StoredEvent[] = [];
  const finished = (async () => {
    for await (const e of followGlobal(s.services, { afterPos, signal: controller.signal })) {
      seen.push(e);
      if (done(seen)) break;
    }
  })();
  return { seen, finished, stop: () => controller.abort() };
}

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
    expectGapless(events);
    expect(events.length).toBe(40 - 6);
  });

  it('keeps seqs gapless with 8 concurrent writers to one stream, and to one stream each', async () => {
    const writer = (stream: string, w: number) => async () => {
      for (let i = 0; i < 15; i++) {
        if (i % 3 === 0) await inTransaction(s.services, (_tx, _emit, emitMany) => emitMany(stream, [0, 1, 2].map((j) => ({ type: 'tick', data: { w, i, j } }))));
        else if (i % 3 === 1) await appendAndCommit(s.services, stream, { type: 'tick', data: { w, i } });
        else await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'tick', data: { w, i } }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer('test:shared', w)()));
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(`test:own:${w}`, w)()));
    const shared = await readEvents(s.services.db, 'test:shared');
    expect(shared.length).toBe(8 * (5 * 3 + 10));
    expectGapless(shared);
    for (let w = 0; w < 8; w++) {
      const own = await readEvents(s.services.db, `test:own:${w}`);
      expect(own.length).toBe(5 * 3 + 10);
      expectGapless(own);
    }
  });

  it('emitMany appends a batch in the order given, after what the transaction emitted before', async () => {
    const stream = 'test:batch';
    await inTransaction(s.services, async (_tx, emit, emitMany) => {
      await emit(stream, { type: 'first', data: {} });
      await emitMany(stream, Array.from({ length: 50 }, (_, i) => ({ type: 'item', data: { i } })));
      await emit(stream, { type: 'last', data: {} });
    });
    const events = await readEvents(s.services.db, stream);
    expectGapless(events);
    expect(events.map((e) => e.type)).toEqual(['first', ...Array(50).fill('item'), 'last']);
    expect(events.slice(1, 51).map((e) => e.data.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Within the transaction, the global order is the order of emitting.
    const positions = events.map((e) => e.globalPos);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.at(-1)! - positions[0]!).toBe(51);
  });

  it('publishes to live readers after the commit, in seq order, and nothing of a rolled-back batch', async () => {
    const stream = 'test:publish';
    const seen: StoredEvent[] = [];
    const unsubscribe = s.services.bus.subscribe(stream, (e) => seen.push(e));
    await inTransaction(s.services, (_tx, _emit, emitMany) => emitMany(stream, [{ type: 'a', data: {} }, { type: 'b', data: {} }]));
    await inTransaction(s.services, async (_tx, _emit, emitMany) => {
      await emitMany(stream, [{ type: 'never', data: {} }]);
      throw new Error('rolled back');
    }).catch(() => {});
    await appendAndCommit(s.services, stream, [{ type: 'c', data: { x: 1 } }]);
    unsubscribe();
    expect(seen.map((e) => [e.seq, e.type])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(seen).toEqual(await readEvents(s.services.db, stream));
  });

  it('an append with a repeated idempotency key is a no-op, in a batch or not', async () => {
    const stream = 'test:idem';
    for (let i = 0; i < 3; i++) await inTransaction(s.services, (_tx, emit) => emit(stream, { type: 'once', data: {}, idempotencyKey: 'k1' }));
    await appendAndCommit(s.services, stream, { type: 'once', data: {}, idempotencyKey: 'k1' });
    const written = await appendAndCommit(s.services, stream, [
      { type: 'again', data: {}, idempotencyKey: 'k1' },
      { type: 'new', data: { n: 1 }, idempotencyKey: 'k2' },
      { type: 'new', data: { n: 2 }, idempotencyKey: 'k2' },
      { type: 'plain', data: {} },
    ]);
    expect(written.map((e) => [e.seq, e.type])).toEqual([
      [2, 'new'],
      [3, 'plain'],
    ]);
    const events = await readEvents(s.services.db, stream);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['once', {}],
      ['new', { n: 1 }],
      ['plain', {}],
    ]);
  });

  it(`refuses more than ${MAX_EVENTS_PER_TRANSACTION} events in one transaction, and writes none of them`, async () => {
    const stream = 'test:too-many';
    const many = Array.from({ length: MAX_EVENTS_PER_TRANSACTION }, () => ({ type: 'x', data: {} }));
    await expect(
      inTransaction(s.services, async (_tx, emit, emitMany) => {
        await emit(stream, { type: 'one', data: {} });
        await emitMany(stream, many);
      }),
    ).rejects.toBeInstanceOf(TooManyEventsError);
    await expect(appendAndCommit(s.services, stream, [...many, { type: 'x', data: {} }])).rejects.toBeInstanceOf(TooManyEventsError);
    expect(await readEvents(s.services.db, stream)).toEqual([]);
  });

  it('the global stream holds every event once, in commit order, naming its stream and seq', async () => {
    const from = (await currentGlobalFence(s.services.db)) - 1;
    const isBye = (seen: StoredEvent[]) => seen.some((e) => e.streamId === 'test:global:a' && e.type === 'bye');
    const mine = (seen: StoredEvent[]) => seen.filter((e) => e.streamId.startsWith('test:global:'));
    const follower = followGlobalUntil(from, isBye);
    await inTransaction(s.services, async (_tx, emit) => {
      await emit('test:global:a', { type: 'hello', data: { x: 1 } });
      await emit('test:global:b', { type: 'hello', data: { x: 2 } });
    });
    await appendAndCommit(s.services, 'test:global:a', { type: 'bye', data: { x: 3 } });
    await follower.finished;
    const events = mine(follower.seen);
    expect(events.map((e) => [e.streamId, e.seq, e.type, e.data])).toEqual([
      ['test:global:a', 1, 'hello', { x: 1 }],
      ['test:global:b', 1, 'hello', { x: 2 }],
      ['test:global:a', 2, 'bye', { x: 3 }],
    ]);
    // Resuming after a position gives exactly what follows it, from the log.
    const resumed = followGlobalUntil(events[0]!.globalPos, isBye);
    await resumed.finished;
    expect(mine(resumed.seen)).toEqual(events.slice(1));
  });

  it('a global follower replays from its cursor, then follows live, each event once and in order', async () => {
    const before = await appendAndCommit(s.services, 'test:gfollow', { type: 'before', data: {} });
    const follower = followGlobalUntil(before[0]!.globalPos - 1, (seen) => seen.some((e) => e.streamId === 'test:gfollow' && e.type === 'end'));
    const writers = Array.from({ length: 4 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 10; i++) await inTransaction(s.services, (_tx, emit) => emit(`test:gfollow:${w}`, { type: 'tick', data: { w, i } }));
      })(),
    );
    await Promise.all(writers);
    await appendAndCommit(s.services, 'test:gfollow', { type: 'end', data: {} });
    await follower.finished;
    const mine = follower.seen.filter((e) => e.streamId.startsWith('test:gfollow'));
    expect(mine.map((e) => e.type)).toEqual(['before', ...Array(40).fill('tick'), 'end']);
    const positions = follower.seen.map((e) => e.globalPos);
    expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
    for (let w = 0; w < 4; w++) expect(mine.filter((e) => e.streamId === `test:gfollow:${w}`).map((e) => e.data.i)).toEqual(Array.from({ length: 10 }, (_, i) => i));
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

describe.skipIf(!process.env.DATABASE_URL)('the global stream while an older transaction is still open (Postgres)', () => {
  it('holds newer events back until the older transaction ends, then gives both in position order, exactly once', async () => {
    const start = (await currentGlobalFence(s.services.db)) - 1;
    const follower = followGlobalUntil(start, (seen) => seen.some((e) => e.streamId === 'test:held:new' && e.type === 'end'));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const olderAppended = new Promise<void>((resolve) => (appended = resolve));
    // The older transaction takes its id (with its first append) before the newer one starts…
    const older = inTransaction(s.services, async (_tx, emit) => {
      await emit('test:held:old', { type: 'older', data: {} });
      appended();
      await released;
    });
    await olderAppended;
    // …and the newer one commits first.
    await appendAndCommit(s.services, 'test:held:new', { type: 'newer', data: {} });
    const held = await readGlobal(s.services.db, start);
    expect(held.heldBack).toBe(true);
    expect(held.events.filter((e) => e.streamId.startsWith('test:held'))).toEqual([]);

    release();
    await older;
    await appendAndCommit(s.services, 'test:held:new', { type: 'end', data: {} });
    await follower.finished;
    const seen = follower.seen.filter((e) => e.streamId.startsWith('test:held'));
    expect(seen.map((e) => e.type)).toEqual(['older', 'newer', 'end']);
    const positions = follower.seen.map((e) => e.globalPos);
    expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
    // A reader resuming after the older event gets the rest, and only that.
    const resumed = await readGlobal(s.services.db, seen[0]!.globalPos);
    expect(resumed.events.filter((e) => e.streamId.startsWith('test:held')).map((e) => e.type)).toEqual(['newer', 'end']);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('two transactions that lock in opposite order (Postgres)', () => {
  it('both commit once: the deadlock victim runs again, and only its committed events are published', async () => {
    const [a, b] = ['test:deadlock:a', 'test:deadlock:b'];
    // Create both heads first, so each append below locks an existing row.
    await appendAndCommit(s.services, a, { type: 'created', data: {} });
    await appendAndCommit(s.services, b, { type: 'created', data: {} });
    let bothLocked!: () => void;
    let locked = 0;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const attempts = { ab: 0, ba: 0 };
    const crosswise = (first: string, second: string, name: keyof typeof attempts) =>
      inTransaction(s.services, async (_tx, emit) => {
        attempts[name]++;
        await emit(first, { type: name, data: {} });
        if (++locked === 2) bothLocked();
        await barrier;
        await emit(second, { type: name, data: {} });
      });
    const published: StoredEvent[] = [];
    const unsubscribe = [a, b].map((stream) => s.services.bus.subscribe(stream, (e) => published.push(e)));
    await Promise.all([crosswise(a, b, 'ab'), crosswise(b, a, 'ba')]);
    unsubscribe.forEach((stop) => stop());
    expect(attempts.ab + attempts.ba).toBe(3);
    expect(published.map((e) => `${e.streamId}:${e.seq}`).sort()).toEqual([`${a}:2`, `${a}:3`, `${b}:2`, `${b}:3`]);
    for (const stream of [a, b]) {
      const events = await readEvents(s.services.db, stream);
      expectGapless(events);
      expect(events.map((e) => e.type).sort()).toEqual(['ab', 'ba', 'created']);
    }
  });
});
