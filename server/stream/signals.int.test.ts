/**
 * The work signal hub: listeners in the sending process hear a signal once, at once; with Postgres,
 * every other process sharing the database hears it too (and only once).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLocalSignalHub, createPostgresSignalHub, type WorkSignal } from './signals';

const advance: WorkSignal = { type: 'advance', ref: { kind: 'turn', id: 'turn_1' } };

describe('signal hub', () => {
  it('in one process: every listener hears a signal once, before send returns; a removed listener hears nothing', async () => {
    const hub = createLocalSignalHub();
    const heard: WorkSignal[] = [];
    const gone: WorkSignal[] = [];
    hub.listen((s) => heard.push(s));
    const stop = hub.listen((s) => gone.push(s));
    stop();
    await hub.send(advance);
    expect(heard).toEqual([advance]);
    expect(gone).toEqual([]);
    await hub.close();
  });

  it.skipIf(!process.env.DATABASE_URL)('across processes on Postgres: the other process hears it once; the sender does not hear its own notification again', async () => {
    const url = process.env.DATABASE_URL!;
    const [a, b] = await Promise.all([createPostgresSignalHub(url, randomUUID()), createPostgresSignalHub(url, randomUUID())]);
    try {
      const atA: WorkSignal[] = [];
      const atB: WorkSignal[] = [];
      a.listen((s) => atA.push(s));
      b.listen((s) => atB.push(s));
      const abort: WorkSignal = { type: 'abort', ref: { kind: 'run', id: `run_${randomUUID()}` } };
      await a.send(abort);
      expect(atA).toEqual([abort]);
      await expect.poll(() => atB, { timeout: 10_000 }).toEqual([abort]);
      // A later signal from B arriving at A shows A's own notification had its chance to come back.
      await b.send(advance);
      await expect.poll(() => atA, { timeout: 10_000 }).toEqual([abort, advance]);
      expect(atB).toEqual([abort, advance]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
