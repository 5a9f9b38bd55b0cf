/**
 * Bench sizes. The full run targets ~3 minutes on 2 cores; BENCH_QUICK=1 shrinks every count (and
 * the number of measured rounds) for a ~30 s smoke run that exercises every code path. Sizes are
 * counts, not durations, so two runs of the same mode do the same work and their rates compare.
 */
export const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

export const config = QUICK
  ? {
      mode: 'quick (BENCH_QUICK=1)',
      rounds: 2,
      append: { single: 300, batches: 12, batchSize: 50, writers: 8, perWriter: 40, warmup: 50 },
      pglite: { single: 120, batches: 4, batchSize: 50, warmup: 20 },
      pgbenchSeconds: 1,
      sse: { clients: 1000, events: 50, warmupEvents: 10, rounds: 2, latencyEvents: 20, latencyGapMs: 20, timeoutMs: 30_000 },
      ws: { clients: 1000, events: 50, warmupEvents: 10, rounds: 2, latencyEvents: 20, latencyGapMs: 20, timeoutMs: 30_000 },
      wsStorm: { clients: 1000, events: 200, fromSeqs: [1, 51, 101, 151], rounds: 1, timeoutMs: 60_000 },
      // Postgres publishes an idle backend's counters up to ~10 s late, and the queue tidies up after a burst:
      // every idle window starts 20 s after the last activity.
      sessions: { sessions: 200, turns: 1, processes: 2, settleMs: 20_000, windowMs: 5_000, timeoutMs: 180_000 },
      rest: { connections: 64, seconds: 3, warmupSeconds: 2, rounds: 2 },
    }
  : {
      mode: 'full',
      rounds: 3,
      append: { single: 2000, batches: 60, batchSize: 50, writers: 8, perWriter: 250, warmup: 200 },
      pglite: { single: 1000, batches: 30, batchSize: 50, warmup: 100 },
      pgbenchSeconds: 5,
      sse: { clients: 1000, events: 200, warmupEvents: 50, rounds: 3, latencyEvents: 50, latencyGapMs: 20, timeoutMs: 60_000 },
      ws: { clients: 1000, events: 200, warmupEvents: 50, rounds: 3, latencyEvents: 50, latencyGapMs: 20, timeoutMs: 60_000 },
      wsStorm: { clients: 5000, events: 200, fromSeqs: [1, 51, 101, 151], rounds: 3, timeoutMs: 120_000 },
      sessions: { sessions: 1000, turns: 2, processes: 2, settleMs: 20_000, windowMs: 10_000, timeoutMs: 300_000 },
      rest: { connections: 64, seconds: 10, warmupSeconds: 2, rounds: 3 },
    };
