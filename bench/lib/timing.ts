/**
 * Timing helpers. Everything is measured with performance.now() (monotonic, sub-ms) around a unit
 * of work that reports how many operations it did, so a rate is always ops / wall time of that run.
 */
export const now = (): number => performance.now();

export interface Sample {
  ops: number;
  ms: number;
}

export const perSecond = (s: Sample): number => (s.ms > 0 ? s.ops / (s.ms / 1000) : 0);

export async function timed(fn: () => Promise<number>): Promise<Sample> {
  const t0 = now();
  const ops = await fn();
  return { ops, ms: now() - t0 };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface RateStats {
  /** Median rate across rounds (ops/s): robust to one round hit by GC or a checkpoint. */
  median: number;
  min: number;
  max: number;
  rounds: number;
  ops: number;
}

export function rateStats(samples: Sample[]): RateStats {
  const rates = samples.map(perSecond);
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), rounds: samples.length, ops: samples[0]?.ops ?? 0 };
}

/**
 * Runs each contender once untimed (warm-up: JIT, prepared statements, connection pool, table and
 * index pages in cache), then `rounds` timed rounds in which the contenders take turns, rotating who
 * goes first. Interleaving means a slow patch of the machine (another process, a checkpoint) hits
 * both sides of a ratio rather than one of them.
 */
export async function interleaved(
  rounds: number,
  contenders: Array<{ name: string; warmup: () => Promise<unknown>; run: () => Promise<number> }>,
): Promise<Map<string, RateStats>> {
  for (const c of contenders) await c.warmup();
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length]!;
      samples.get(c.name)!.push(await timed(c.run));
    }
  }
  return new Map([...samples].map(([name, s]) => [name, rateStats(s)]));
}
