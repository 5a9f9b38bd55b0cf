/**
 * When each API key was last used and how often (the key lists show `lastUsedAt`). Writing that on
 * every request would make every authenticated read a write; instead uses are counted in memory and
 * written a few seconds later, every key used since in one statement. A process that dies loses at
 * most that window of counts, which is all this bookkeeping is worth.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';

export const KEY_USAGE_FLUSH_MS = 5_000;

interface Pending {
  count: number;
  last: Date;
}

export class KeyUsage {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly flushMs = KEY_USAGE_FLUSH_MS,
  ) {}

  record(keyId: string, at = new Date()): void {
    const seen = this.pending.get(keyId);
    if (seen) {
      seen.count++;
      if (at > seen.last) seen.last = at;
    } else {
      this.pending.set(keyId, { count: 1, last: at });
    }
    // A timer only while there is something to write: an idle process keeps none.
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what was counted; a failure (the database closing under it) drops the counts. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch].map(([id, p]) => sql`(${id}::text, ${p.count}::int, ${p.last.toISOString()}::timestamptz)`);
    try {
      await this.db.execute(sql`
        update apikey as k
           set request_count = coalesce(k.request_count, 0) + u.n,
               last_request = greatest(k.last_request, u.at)
          from (values ${sql.join(rows, sql`, `)}) as u(id, n, at)
         where k.id = u.id`);
    } catch {
      /* bookkeeping only: never worth failing or retrying a request path for */
    }
  }
}

const usages = new WeakMap<Db, KeyUsage>();

export function keyUsageOf(db: Db): KeyUsage {
  let usage = usages.get(db);
  if (!usage) usages.set(db, (usage = new KeyUsage(db)));
  return usage;
}
