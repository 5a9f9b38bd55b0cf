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
      append: { single: 300, batches: 6, batchSize: 100, writers: 8, perWriter: 40, warmup: 50 },
      pglite: { single: 120, batches: 2, batchSize: 100, warmup: 20 },
      pgbenchSeconds: 1,
      sse: { clients: 1000, events: 50, warmupEvents: 10, rounds: 2, latencyEvents: 20, latencyGapMs: 20, timeoutMs: 30_000 },
      ws: { clients: 1000, events: 50, warmupEvents: 10, rounds: 2, latencyEvents: 20, latencyGapMs: 20, timeoutMs: 30_000 },
      wsStorm: { clients: 1000, events: 200, fromSeqs: [1, 51, 101, 151], rounds: 1, timeoutMs: 60_000 },
    }
  : {
      mode: 'full',
      rounds: 3,
      append: { single: 2000, batches: 30, batchSize: 100, writers: 8, perWriter: 250, warmup: 200 },
      pglite: { single: 1000, batches: 15, batchSize: 100, warmup: 100 },
      pgbenchSeconds: 5,
      sse: { clients: 1000, events: 200, warmupEvents: 50, rounds: 3, latencyEvents: 50, latencyGapMs: 20, timeoutMs: 60_000 },
      ws: { clients: 1000, events: 200, warmupEvents: 50, rounds: 3, latencyEvents: 50, latencyGapMs: 20, timeoutMs: 60_000 },
      wsStorm: { clients: 5000, events: 200, fromSeqs: [1, 51, 101, 151], rounds: 3, timeoutMs: 120_000 },
    };
